import Testing

@testable import RESP

@Suite struct AggregateSplitter {
    /// Steps over `wire` fed in the pieces given: ("header N" | "element TYPE BYTES")...
    func steps(_ pieces: [[UInt8]]) throws -> [String] {
        var splitter = RESPAggregateSplitter()
        var out: [String] = []
        for piece in pieces {
            try piece.withUnsafeBytes { bytes in
                var offset = 0
                var frame = RESPFrame()
                loop: while true {
                    switch try splitter.next(bytes, offset: &offset, into: &frame) {
                    case .needMore: break loop
                    case .notAnArray: out.append("not an array at \(offset)"); break loop
                    case .header(let count): out.append("header \(count) \(frame.byteCount)")
                    case .element: out.append("element \(frame.type) \(frame.byteCount)")
                    }
                }
            }
        }
        return out
    }

    @Test func headerThenEachElementAsAFrame() throws {
        let wire = Array("*3\r\n$1\r\nv\r\n*2\r\n:1\r\n_\r\n-ERR x\r\n".utf8)
        let whole = try steps([wire])
        #expect(whole == ["header 3 4", "element bulkString 7", "element array 11", "element simpleError 8"])
        for cut in 1..<wire.count {
            #expect(try steps([Array(wire[..<cut]), Array(wire[cut...])]) == whole, "cut at \(cut)")
        }
        #expect(try steps(wire.map { [$0] }) == whole)
    }

    @Test func nullAndEmptyArrays() throws {
        #expect(try steps([Array("*-1\r\n".utf8)]) == ["header -1 5"])
        #expect(try steps([Array("*0\r\n".utf8)]) == ["header 0 4"])
    }

    @Test func otherFramesAreLeftUntouched() throws {
        #expect(try steps([Array("-EXECABORT x\r\n".utf8)]) == ["not an array at 0"])
        #expect(try steps([Array("_\r\n".utf8)]) == ["not an array at 0"])
        #expect(try steps([Array(">2\r\n".utf8)]) == ["not an array at 0"])
    }

    @Test func malformedHeadersThrow() {
        #expect(throws: RESPProtocolError.self) { try steps([Array("*x\r\n".utf8)]) }
        #expect(throws: RESPProtocolError.self) { try steps([Array("*1\rx".utf8)]) }
        #expect(throws: RESPProtocolError.self) { try steps([Array("*1234567890123456789\r\n".utf8)]) }
    }
}
