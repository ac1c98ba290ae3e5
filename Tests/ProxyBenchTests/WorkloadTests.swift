import NIOCore
import RESP
import Testing

@testable import ProxyBenchCore

/// A generated request, read back with the proxy's own request scanner.
struct Decoded {
    var name: String
    var key: String
    var count: Int
    var third: ByteHead
    var kind: RequestKind
}

func generate(_ options: BenchOptions, count: Int, seed: UInt64 = 7) throws -> [Decoded] {
    var generator = RequestGenerator(options: options, seed: seed)
    var buffer = ByteBuffer()
    var kinds: [RequestKind] = []
    for _ in 0..<count { kinds.append(generator.writeNext(into: &buffer)) }
    return try decode(buffer, kinds: kinds)
}

func decode(_ buffer: ByteBuffer, kinds: [RequestKind]? = nil) throws -> [Decoded] {
    var scanner = RESPScanner(mode: .request)
    var frames: [RESPFrame] = []
    try buffer.withUnsafeReadableBytes { bytes in
        var offset = 0
        while let frame = try scanner.next(bytes, offset: &offset) { frames.append(frame) }
        #expect(offset == bytes.count)
    }
    #expect(scanner.isAtFrameBoundary)
    return frames.enumerated().map { index, frame in
        Decoded(
            name: frame.first.text, key: frame.second.text, count: frame.count, third: frame.third,
            kind: kinds?[index] ?? .other)
    }
}

func keyNumber(_ key: String) -> Int { Int(key.split(separator: ":").last!)! }

@Suite struct WorkloadTests {
    @Test func getAndSetStayInTheKeyspace() throws {
        var options = BenchOptions()
        options.keyspace = 50
        let gets = try generate(options, count: 2_000)
        #expect(
            gets.allSatisfy { $0.name == "GET" && $0.count == 2 && $0.kind == .read && $0.key.hasPrefix("bench:k:") })
        #expect(Set(gets.map { keyNumber($0.key) }) == Set(0..<50))
        options.workload = .set
        options.valueSize = ValueSize(min: 5, max: 9)
        let sets = try generate(options, count: 2_000)
        #expect(sets.allSatisfy { $0.name == "SET" && $0.count == 3 && $0.kind == .other })
        #expect(Set(sets.map(\.third.totalLength)) == Set(5...9))
        #expect(sets.allSatisfy { (0..<50).contains(keyNumber($0.key)) })
    }

    @Test func mixedFollowsTheReadRatio() throws {
        var options = BenchOptions()
        options.workload = .mixed
        options.readRatio = 0.8
        let requests = try generate(options, count: 20_000)
        let reads = requests.filter { $0.name == "GET" }.count
        #expect(Set(requests.map(\.name)) == ["GET", "SET"])
        #expect(abs(Double(reads) / 20_000 - 0.8) < 0.02)
    }

    @Test func listWorkloadPopsWhatItPushed() throws {
        var options = BenchOptions()
        options.workload = .lpushLpop
        let requests = try generate(options, count: 1_000)
        for pair in stride(from: 0, to: requests.count, by: 2) {
            #expect(requests[pair].name == "LPUSH" && requests[pair + 1].name == "LPOP")
            #expect(requests[pair].key == requests[pair + 1].key && requests[pair].key.hasPrefix("bench:l:"))
        }
    }

    @Test func hashIncrAndMget() throws {
        var options = BenchOptions()
        options.workload = .hsetHget
        options.readRatio = 0.5
        let hashes = try generate(options, count: 4_000)
        #expect(Set(hashes.map(\.name)) == ["HGET", "HSET"])
        #expect(hashes.allSatisfy { $0.key.hasPrefix("bench:h:") && $0.third.text == "f" })
        #expect(hashes.allSatisfy { ($0.name == "HGET") == ($0.kind == .read) })
        options.workload = .incr
        #expect(try generate(options, count: 100).allSatisfy { $0.name == "INCR" && $0.key.hasPrefix("bench:c:") })
        options.workload = .mget
        options.mgetKeys = 4
        let mgets = try generate(options, count: 100)
        #expect(mgets.allSatisfy { $0.name == "MGET" && $0.count == 5 && $0.kind == .multiRead })
    }

    @Test func sameSeedSameRequests() throws {
        var options = BenchOptions()
        options.workload = .mixed
        let first = try generate(options, count: 500, seed: 3).map { "\($0.name) \($0.key)" }
        let again = try generate(options, count: 500, seed: 3).map { "\($0.name) \($0.key)" }
        let other = try generate(options, count: 500, seed: 4).map { "\($0.name) \($0.key)" }
        #expect(first == again && first != other)
    }

    @Test func decimalKeysAtDigitBoundaries() throws {
        for number in [0, 9, 10, 99, 100, 99_999, 1_000_000, Int(Int32.max)] {
            var buffer = ByteBuffer()
            buffer.writeStaticString("*2\r\n$3\r\nGET\r\n")
            buffer.writeKey("bench:k:", number)
            #expect(try decode(buffer).map(\.key) == ["bench:k:\(number)"])
        }
    }
}
