import Testing

@testable import RedisCommands

@Suite struct BuiltinCommandsTests {
    private let byName = Dictionary(uniqueKeysWithValues: BuiltinCommands.all.map { ($0.name, $0) })

    @Test func coversMoreThan200TopLevelCommands() {
        #expect(BuiltinCommands.all.filter { !$0.isSubcommand }.count > 200)
    }

    @Test func getReadsItsFirstArgument() throws {
        let get = try #require(byName["get"])
        #expect(get.firstKey == 1)
        #expect(get.lastKey == 1)
        #expect(get.keyStep == 1)
        #expect(get.aclCategories.contains("read"))
        #expect(get.flags.contains("readonly"))
        #expect(!get.isSubcommand)
    }

    @Test func containersAndSubcommandsBothHaveRows() throws {
        let config = try #require(byName["config"])
        #expect(!config.isSubcommand)
        let configGet = try #require(byName["config|get"])
        #expect(configGet.isSubcommand)
        #expect(configGet.flags.contains("admin"))
    }

    @Test func xaddIsAStreamCommand() throws {
        let xadd = try #require(byName["xadd"])
        #expect(xadd.aclCategories.contains("stream"))
        #expect(xadd.flags.contains("write"))
    }

    @Test func namesAreUniqueLowerCaseAndSorted() {
        let names = BuiltinCommands.all.map(\.name)
        #expect(Set(names).count == names.count)
        #expect(names.allSatisfy { $0 == $0.lowercased() })
        #expect(names == names.sorted())
    }

    @Test func aclCategoriesHaveNoAtSign() {
        #expect(BuiltinCommands.all.allSatisfy { spec in spec.aclCategories.allSatisfy { !$0.hasPrefix("@") } })
    }

    @Test func everySubcommandHasItsParent() {
        for spec in BuiltinCommands.all where spec.isSubcommand {
            let parent = String(spec.name.prefix { $0 != "|" })
            #expect(byName[parent] != nil, "no parent row for \(spec.name)")
        }
    }
}
