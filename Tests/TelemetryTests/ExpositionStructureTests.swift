import Testing

/// Checks what every scraper relies on, independently of the exact numbers: each metric
/// family is declared once, and every sample belongs to the family declared above it.
@Suite struct ExpositionStructure {
    @Test(arguments: [false, true])
    func familyNamesAreUnique(openMetrics: Bool) {
        let families = Exposition.parse(GoldenFixture.render(openMetrics: openMetrics)).families
        var seen: [String: Int] = [:]
        for family in families { seen[family.name, default: 0] += 1 }
        let duplicated = seen.filter { $0.value > 1 }.keys.sorted()
        #expect(duplicated.isEmpty, "families declared more than once: \(duplicated)")
    }

    @Test(arguments: [false, true])
    func everySampleBelongsToItsFamily(openMetrics: Bool) {
        for family in Exposition.parse(GoldenFixture.render(openMetrics: openMetrics)).families {
            let allowed: Set<String> =
                switch family.type {
                case "histogram": [family.name + "_bucket", family.name + "_sum", family.name + "_count"]
                case "counter": openMetrics ? [family.name + "_total"] : [family.name]
                default: [family.name]
                }
            for sample in family.sampleNames {
                #expect(allowed.contains(sample), "sample \(sample) in \(family.type) family \(family.name)")
            }
            if openMetrics && family.type == "counter" {
                #expect(!family.name.hasSuffix("_total"), "OpenMetrics counter family \(family.name)")
            }
        }
    }

    @Test func openMetricsEndsWithOneEOF() {
        let text = GoldenFixture.render(openMetrics: true)
        #expect(text.hasSuffix("\n# EOF\n"))
        #expect(text.components(separatedBy: "# EOF").count == 2)
        #expect(!GoldenFixture.render(openMetrics: false).contains("# EOF"))
    }
}

/// A minimal reader of the text exposition formats.
struct Exposition {
    struct Family {
        var name: String
        var type: String
        var sampleNames: [String] = []
    }

    var families: [Family] = []

    static func parse(_ text: String) -> Exposition {
        var result = Exposition()
        for line in text.split(separator: "\n") {
            let words = line.split(separator: " ")
            if line.hasPrefix("# TYPE "), words.count == 4 {
                result.families.append(Family(name: String(words[2]), type: String(words[3])))
            } else if !line.hasPrefix("#"), let name = line.split(whereSeparator: { $0 == "{" || $0 == " " }).first {
                if result.families.isEmpty { result.families.append(Family(name: "", type: "undeclared")) }
                result.families[result.families.count - 1].sampleNames.append(String(name))
            }
        }
        return result
    }
}
