import NIOCore
import Testing

@testable import ProxyBenchCore

@Suite struct HitRatioTests {
    @Test func populatedShareIsTheRoundedRatio() {
        #expect(KeyPlan(keyspace: 10_000, hitRatio: 0.3).populated == 3_000)
        #expect(KeyPlan(keyspace: 10_000, hitRatio: 0.3).expectedHitRatio == 0.3)
        #expect(KeyPlan(keyspace: 7, hitRatio: 0.5).populated == 4)
        #expect(KeyPlan(keyspace: 100, hitRatio: 0).populated == 0)
        #expect(KeyPlan(keyspace: 100, hitRatio: 1).populated == 100)
        #expect(KeyPlan(keyspace: 100, hitRatio: nil).populated == nil)
        #expect(KeyPlan(keyspace: 100, hitRatio: nil).expectedHitRatio == nil)
    }

    @Test func readsHitThePopulatedShareAndWritesStayInside() throws {
        var options = BenchOptions()
        options.workload = .mixed
        options.readRatio = 0.5
        options.keyspace = 1_000
        options.hitRatio = 0.25
        let requests = try generate(options, count: 40_000)
        let reads = requests.filter { $0.name == "GET" }.map { keyNumber($0.key) }
        let writes = requests.filter { $0.name == "SET" }.map { keyNumber($0.key) }
        let hitShare = Double(reads.filter { $0 < 250 }.count) / Double(reads.count)
        #expect(abs(hitShare - 0.25) < 0.015)
        #expect(reads.allSatisfy { (0..<1_000).contains($0) })
        #expect(!writes.isEmpty && writes.allSatisfy { (0..<250).contains($0) })
    }

    @Test func withNothingPopulatedWritesUseAKeyNoReadPicks() throws {
        var options = BenchOptions()
        options.workload = .mixed
        options.keyspace = 100
        options.hitRatio = 0
        let requests = try generate(options, count: 2_000)
        #expect(requests.filter { $0.name == "SET" }.allSatisfy { keyNumber($0.key) == 100 })
        #expect(requests.filter { $0.name == "GET" }.allSatisfy { keyNumber($0.key) < 100 })
    }

    @Test func setUpWritesThePopulatedKeysAndDeletesTheRest() throws {
        var options = BenchOptions()
        options.keyspace = 2_345
        options.hitRatio = 0.6
        options.valueSize = ValueSize(min: 1, max: 4)
        let batches = Prepopulation.batches(for: options)
        #expect(batches.allSatisfy { $0.requests <= Prepopulation.batchSize && $0.requests > 0 })
        var written: [Int] = []
        var deleted: [Int] = []
        for batch in batches {
            let requests = try decode(batch.bytes)
            #expect(requests.count == batch.requests)
            for request in requests where request.name == "SET" {
                written.append(keyNumber(request.key))
                #expect((1...4).contains(request.third.totalLength))
            }
            for request in requests where request.name == "DEL" {
                #expect(request.count <= Prepopulation.keysPerDelete + 1)
                deleted.append(keyNumber(request.key))  // the first key of each DEL
            }
        }
        #expect(written == Array(0..<1_407))
        #expect(deleted == Array(stride(from: 1_407, to: 2_345, by: Prepopulation.keysPerDelete)))
    }

    @Test func hashSetUpUsesHashes() throws {
        var options = BenchOptions()
        options.workload = .hsetHget
        options.keyspace = 10
        options.hitRatio = 0.5
        let requests = try Prepopulation.batches(for: options).flatMap { try decode($0.bytes) }
        #expect(requests.map(\.name) == Array(repeating: "HSET", count: 5) + ["DEL"])
        #expect(requests.allSatisfy { $0.key.hasPrefix("bench:h:") })
        #expect(requests.last?.count == 6)
    }

    @Test func noHitRatioNoSetUp() {
        #expect(Prepopulation.batches(for: BenchOptions()).isEmpty)
    }
}
