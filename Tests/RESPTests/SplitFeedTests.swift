import RESP
import Testing

@Suite("Split feeding")
struct SplitFeedTests {
    static let vectors: [WireVector] =
        ReplyVectors.all + RequestVectors.all + [
            .concatenation("all replies back to back", ReplyVectors.all),
            .concatenation("all requests back to back", RequestVectors.all),
        ]

    @Test("Two pieces split at every byte boundary give the whole-buffer frames", arguments: vectors)
    func everyTwoPieceSplit(_ vector: WireVector) {
        let whole = scan(vector.bytes, mode: vector.mode)
        #expect(whole.error == nil)
        #expect(whole.summaries == vector.expected)
        for point in 0...vector.bytes.count {
            let split = scan(vector.bytes, mode: vector.mode, cuts: [point])
            #expect(split == whole, "split at \(point)")
        }
    }

    @Test("Scanning into a reused summary gives the same frames at every split", arguments: vectors)
    func inPlaceEveryTwoPieceSplit(_ vector: WireVector) {
        for point in 0...vector.bytes.count {
            let returned = scan(vector.bytes, mode: vector.mode, cuts: [point])
            let inPlace = scan(vector.bytes, mode: vector.mode, cuts: [point], inPlace: true)
            #expect(inPlace == returned, "split at \(point)")
        }
    }

    @Test("One byte at a time gives the whole-buffer frames", arguments: vectors)
    func byteByByte(_ vector: WireVector) {
        let whole = scan(vector.bytes, mode: vector.mode)
        let single = scanByteByByte(vector.bytes, mode: vector.mode)
        #expect(single == whole)
        #expect(single.summaries == vector.expected)
        #expect(single.atBoundary)
    }

    @Test("The boundary flag is false inside a frame and true between frames")
    func boundaryFlag() throws {
        let bytes = wire("*2\r\n:1\r\n:2\r\n+OK\r\n")
        var scanner = RESPScanner(mode: .reply)
        var boundaries: [Bool] = []
        for byte in bytes {
            var offset = 0
            _ = try [byte].withUnsafeBytes { try scanner.next($0, offset: &offset) }
            boundaries.append(scanner.isAtFrameBoundary)
        }
        let expected = (1...bytes.count).map { $0 == 12 || $0 == 17 }
        #expect(boundaries == expected)
    }
}
