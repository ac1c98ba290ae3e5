import RESP
import Testing

@Suite("Reply scanning")
struct ReplyScanTests {
    @Test("Each reply vector scans to its exact summary", arguments: ReplyVectors.all)
    func vector(_ vector: WireVector) {
        let outcome = scan(vector.bytes, mode: .reply)
        #expect(outcome.error == nil)
        #expect(outcome.summaries == vector.expected)
        #expect(outcome.frames.map(\.end) == ends(of: vector.expected))
        #expect(outcome.frames.last?.end == vector.bytes.count)
        #expect(outcome.atBoundary)
        #expect(outcome.offsetsValid)
    }

    @Test("A long string keeps its first 32 bytes and its full length")
    func truncatedHead() throws {
        let text = "WRONGTYPE Operation against a key holding the wrong kind of value"
        let frame = try #require(scan(wire("-\(text)\r\n"), mode: .reply).frames.first).frame
        #expect(frame.first.count == 32)
        #expect(frame.first.totalLength == text.utf8.count)
        #expect(frame.first.isTruncated)
        #expect(frame.first.text == "WRONGTYPE Operation against a ke")
        #expect(frame.type.isError)
    }

    @Test("Null values report isNull")
    func nulls() {
        let nulls = scan(wire("$-1\r\n*-1\r\n_\r\n"), mode: .reply).summaries
        #expect(nulls.count == 3)
        #expect(nulls.map(\.isNull) == [true, true, true])
        let values = scan(wire("$0\r\n\r\n*0\r\n:0\r\n+\r\n"), mode: .reply).summaries
        #expect(values.count == 4)
        #expect(values.map(\.isNull) == [false, false, false, false])
    }

    @Test("An incomplete frame returns nil with offset at the end and keeps state")
    func partialFrame() throws {
        var scanner = RESPScanner(mode: .reply)
        let first = wire("*2\r\n:1\r\n$3\r\nab")
        var offset = 0
        let none = try first.withUnsafeBytes { try scanner.next($0, offset: &offset) }
        #expect(none == nil)
        #expect(offset == first.count)
        #expect(!scanner.isAtFrameBoundary)
        let rest = wire("c\r\n+next\r\n")
        offset = 0
        let frame = try rest.withUnsafeBytes { try scanner.next($0, offset: &offset) }
        let expected = summary(
            .array,
            count: 2,
            bytes: first.count + 3,
            integer: 1,
            children: 2,
            heads: [head(""), head("abc")]
        )
        #expect(frame == expected)
        #expect(offset == 3)
        #expect(scanner.isAtFrameBoundary)
    }

    @Test("Scanning starts at the given offset")
    func startOffset() throws {
        var scanner = RESPScanner(mode: .reply)
        let bytes = wire("junk+OK\r\n:12\r\n")
        var offset = 4
        let results = try bytes.withUnsafeBytes { buffer in
            var frames: [RESPFrame] = []
            var offsets: [Int] = []
            while let frame = try scanner.next(buffer, offset: &offset) {
                frames.append(frame)
                offsets.append(offset)
            }
            return (frames, offsets)
        }
        #expect(results.0.map(\.type) == [.simpleString, .integer])
        #expect(results.0.map(\.byteCount) == [5, 5])
        #expect(results.1 == [9, 14])
        #expect(offset == bytes.count)
    }

    @Test("An empty buffer yields nothing and leaves the offset alone")
    func emptyBuffer() throws {
        var scanner = RESPScanner(mode: .reply)
        var offset = 0
        let frame = try [UInt8]().withUnsafeBytes { try scanner.next($0, offset: &offset) }
        #expect(frame == nil)
        #expect(offset == 0)
        #expect(scanner.isAtFrameBoundary)
    }

    @Test("reset() forgets a partly read frame")
    func resetForgetsPartialFrame() throws {
        var scanner = RESPScanner(mode: .reply)
        var offset = 0
        _ = try wire("*3\r\n:1\r\n").withUnsafeBytes { try scanner.next($0, offset: &offset) }
        #expect(!scanner.isAtFrameBoundary)
        scanner.reset()
        #expect(scanner.isAtFrameBoundary)
        offset = 0
        let frame = try wire(":5\r\n").withUnsafeBytes { try scanner.next($0, offset: &offset) }
        #expect(frame == summary(.integer, bytes: 4, integer: 5))
    }
}
