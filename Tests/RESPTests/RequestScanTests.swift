import RESP
import Testing

@Suite("Request scanning")
struct RequestScanTests {
    @Test("Each request vector scans to its exact summary", arguments: RequestVectors.all)
    func vector(_ vector: WireVector) {
        let outcome = scan(vector.bytes, mode: .request)
        #expect(outcome.error == nil)
        #expect(outcome.summaries == vector.expected)
        #expect(outcome.frames.map(\.end) == ends(of: vector.expected))
        #expect(outcome.atBoundary)
        #expect(outcome.offsetsValid)
    }

    @Test("Command names compare case-insensitively")
    func commandName() throws {
        let frames = scan(wire("*1\r\n$4\r\nping\r\nPiNg\r\n*1\r\n$5\r\nPINGS\r\n"), mode: .request).summaries
        try #require(frames.count == 3)
        #expect(frames[0].first.equalsCaseInsensitive("PING"))
        #expect(frames[1].first.equalsCaseInsensitive("PING"))
        #expect(!frames[2].first.equalsCaseInsensitive("PING"))
    }

    static let megabyte = 1 << 20

    /// `SET k <1 MiB>` with a payload that is not all one byte value.
    static let bigSet: [UInt8] = {
        let payload = (0..<megabyte).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        return wire("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$\(megabyte)\r\n") + payload + wire("\r\n")
    }()

    static let bigSetSummary: RESPFrame = {
        let payloadStart = bigSet.count - megabyte - 2
        var third = ByteHead()
        bigSet[payloadStart..<(payloadStart + megabyte)].withUnsafeBytes { third.append($0) }
        return summary(.array, count: 3, bytes: bigSet.count, children: 3, heads: [head("SET"), head("k"), third])
    }()

    @Test(
        "A 1 MiB argument keeps a 32-byte head and its full length",
        arguments: [[], [4096], [65_536], [1, 7, 1000]]
    )
    func megabyteArgument(chunkSizes: [Int]) {
        let outcome =
            chunkSizes.isEmpty
            ? scan(Self.bigSet, mode: .request)
            : scanChunked(Self.bigSet, mode: .request, sizes: chunkSizes)
        #expect(outcome.error == nil)
        #expect(outcome.summaries == [Self.bigSetSummary])
        let third = outcome.summaries.first?.third
        #expect(third?.count == ByteHead.capacity)
        #expect(third?.totalLength == Self.megabyte)
        #expect(third?.bytes == Array(Self.bigSet[(Self.bigSet.count - Self.megabyte - 2)...].prefix(32)))
    }

    @Test("A 1 MiB argument split at chosen points scans the same")
    func megabyteArgumentSplits() {
        let length = Self.bigSet.count
        let headerEnd = length - Self.megabyte - 2
        let points = [
            1, 4, 5, 13, headerEnd - 1, headerEnd, headerEnd + 1, headerEnd + 31, headerEnd + 32, length - 3,
            length - 2, length - 1,
        ]
        for point in points {
            let outcome = scan(Self.bigSet, mode: .request, cuts: [point])
            #expect(outcome.summaries == [Self.bigSetSummary], "split at \(point)")
        }
    }

    @Test("A pipeline of many commands in one buffer")
    func longPipeline() {
        var bytes: [UInt8] = []
        var expected: [RESPFrame] = []
        for index in 0..<1000 {
            let key = "key:\(index)"
            let value = String(repeating: "v", count: index % 50)
            let before = bytes.count
            if index % 3 == 2 {
                bytes += wire("GET \(key)\r\n")
                expected.append(
                    summary(.inlineCommand, count: 2, bytes: bytes.count - before, heads: [head("GET"), head(key)])
                )
            } else {
                bytes += wire("*3\r\n$3\r\nSET\r\n$\(key.utf8.count)\r\n\(key)\r\n$\(value.utf8.count)\r\n\(value)\r\n")
                expected.append(
                    summary(
                        .array,
                        count: 3,
                        bytes: bytes.count - before,
                        children: 3,
                        heads: [head("SET"), head(key), head(value)]
                    )
                )
            }
        }
        let outcome = scan(bytes, mode: .request)
        #expect(outcome.error == nil)
        #expect(outcome.summaries == expected)
        #expect(outcome.frames.last?.end == bytes.count)
        #expect(scanChunked(bytes, mode: .request, sizes: [3, 17, 1, 64, 5]).summaries == expected)
    }
}
