import RESP
import Testing

@Suite("Byte heads")
struct ByteHeadTests {
    /// Distinct bytes, so a byte copied to the wrong place changes the result.
    static let source: [UInt8] = (0..<40).map { UInt8(0x41 + $0) }

    @Test("A run of any length keeps exactly its first 32 bytes", arguments: 0...40)
    func run(length: Int) {
        let bytes = Array(Self.source[0..<length])
        var head = ByteHead()
        bytes.withUnsafeBytes { head.append($0) }
        #expect(head.bytes == Array(bytes.prefix(ByteHead.capacity)))
        #expect(head.count == min(length, ByteHead.capacity))
        #expect(head.totalLength == length)
        #expect(head == ByteHead(bytes))
    }

    @Test("Runs appended in two pieces equal the whole run", arguments: 0...40)
    func split(at point: Int) {
        let bytes = Self.source
        var head = ByteHead()
        bytes.withUnsafeBytes { all in
            head.append(UnsafeRawBufferPointer(rebasing: all[0..<point]))
            head.append(UnsafeRawBufferPointer(rebasing: all[point...]))
        }
        #expect(head.bytes == Array(bytes.prefix(ByteHead.capacity)))
        #expect(head.totalLength == bytes.count)
        #expect(head == ByteHead(bytes))
    }
}
