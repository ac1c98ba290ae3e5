import ControlPlane
import Testing

@Suite struct RequestEncoding {
    @Test func textArgumentsBecomeAnArrayOfBulkStrings() {
        #expect(wire(RESPRequest.encode(["INFO"])) == "*1\r\n$4\r\nINFO\r\n")
        #expect(wire(RESPRequest.encode(["AUTH", "user", "pw"])) == "*3\r\n$4\r\nAUTH\r\n$4\r\nuser\r\n$2\r\npw\r\n")
        #expect(wire(RESPRequest.encode(["SELECT", "12"])) == "*2\r\n$6\r\nSELECT\r\n$2\r\n12\r\n")
    }

    @Test func lengthsCountUTF8Bytes() {
        #expect(wire(RESPRequest.encode(["SET", "clé", "🙂"])) == "*3\r\n$3\r\nSET\r\n$4\r\nclé\r\n$4\r\n🙂\r\n")
    }

    @Test func emptyArgumentsAndEmptyCommand() {
        #expect(wire(RESPRequest.encode(["ECHO", ""])) == "*2\r\n$4\r\nECHO\r\n$0\r\n\r\n")
        #expect(wire(RESPRequest.encode([[UInt8]]())) == "*0\r\n")
    }

    @Test func binaryArgumentsAreCopiedAsTheyAre() {
        let value: [UInt8] = [0x00, 0x0D, 0x0A, 0x24, 0x2A, 0xFF, 0x0D]
        let encoded = RESPRequest.encode([Array("SET".utf8), Array("k\r\n".utf8), value])
        let expected = Array("*3\r\n$3\r\nSET\r\n$3\r\nk\r\n\r\n$7\r\n".utf8) + value + [0x0D, 0x0A]
        #expect(encoded == expected)
    }

    @Test func largeArgumentsCarryTheirExactLength() {
        let value = [UInt8](repeating: 0x61, count: 1_000_003)
        let encoded = RESPRequest.encode([value])
        let header = Array("*1\r\n$1000003\r\n".utf8)
        #expect(Array(encoded.prefix(header.count)) == header)
        #expect(encoded.count == header.count + value.count + 2)
        #expect(Array(encoded.suffix(2)) == [0x0D, 0x0A])
    }

    /// The proxy's encoding is what hiredis reads back as the same array.
    @Test func hiredisReadsTheEncodingBack() throws {
        let arguments: [[UInt8]] = [Array("HSET".utf8), [0, 1, 2], Array("\r\n".utf8), []]
        let reader = HiredisReplyReader()
        try reader.feed(RESPRequest.encode(arguments))
        #expect(try reader.next() == .array(arguments.map { .string($0) }))
    }
}

/// Bytes as text, for readable failures.
func wire(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
