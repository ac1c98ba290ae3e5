import RESP
import Testing

@Suite("First-argument tail hash")
struct TailHashTests {
    static let prefix = ":1:views.decorators.cache.cache_page.main.GET."

    @Test("Keys that share their stored bytes and length differ by the hash of the rest")
    func longKeysDiffer() {
        let first = scan(wire("*2\r\n$3\r\nGET\r\n$50\r\n\(Self.prefix)aaaa\r\n"), mode: .request).summaries[0]
        let second = scan(wire("*2\r\n$3\r\nGET\r\n$50\r\n\(Self.prefix)bbbb\r\n"), mode: .request).summaries[0]
        #expect(first.second.count == ByteHead.capacity && first.second.isTruncated)
        #expect(first.second.tailHash != 0)
        #expect(first.second != second.second)
        #expect(first.second.fingerprint != second.second.fingerprint)
    }

    @Test("Short keys have no tail hash")
    func shortKeys() {
        let frame = scan(wire("*2\r\n$3\r\nGET\r\n$5\r\nuser1\r\n"), mode: .request).summaries[0]
        #expect(frame.second.tailHash == 0)
        #expect(frame.second == ByteHead(Array("user1".utf8)))
    }

    @Test("The hash is the same however the key is split across reads, and inline")
    func splitFeeds() {
        let key = Self.prefix + String(repeating: "x", count: 600)
        let bytes = wire("*2\r\n$3\r\nGET\r\n$\(key.utf8.count)\r\n\(key)\r\n")
        let whole = scan(bytes, mode: .request).summaries[0]
        #expect(whole.second.tailHash != 0)
        for point in stride(from: 0, through: bytes.count, by: 7) {
            #expect(scan(bytes, mode: .request, cuts: [point]).summaries.first?.second == whole.second)
        }
        #expect(scanByteByByte(bytes, mode: .request).summaries.first?.second == whole.second)
        let inline = scan(wire("GET \(key)\r\n"), mode: .request).summaries[0]
        #expect(inline.second == whole.second)
    }
}
