import RESP
import Testing

@Suite("Limits")
struct LimitTests {
    static let small = RESPLimits(maxBulkLength: 10, maxAggregateLength: 4, maxDepth: 2, maxInlineLength: 8)

    @Test("Default limits equal Redis's and the reply defaults")
    func defaults() {
        #expect(RESPLimits.requestDefaults.maxBulkLength == 512 * 1024 * 1024)
        #expect(RESPLimits.requestDefaults.maxAggregateLength == Int(Int32.max))
        #expect(RESPLimits.requestDefaults.maxInlineLength == 65_536)
        #expect(RESPScanner(mode: .request).limits == .requestDefaults)
        #expect(RESPScanner(mode: .reply).limits == .replyDefaults)
        #expect(RESPScanner(mode: .reply, limits: Self.small).limits == Self.small)
    }

    @Test("Default request limits accept values exactly at the bound")
    func requestDefaultBounds() {
        let bulk = scan(wire("*1\r\n$536870912\r\n"), mode: .request)
        #expect(bulk.error == nil)
        #expect(bulk.frames.isEmpty)
        #expect(!bulk.atBoundary)
        let multibulk = scan(wire("*2147483647\r\n"), mode: .request)
        #expect(multibulk.error == nil)
        #expect(!multibulk.atBoundary)
        let line = [UInt8](repeating: UInt8(ascii: "a"), count: 64 * 1024) + [0x0A]
        let inline = scan(line, mode: .request)
        #expect(inline.error == nil)
        #expect(inline.summaries.map(\.byteCount) == [line.count])
        #expect(inline.summaries.first?.first.totalLength == 64 * 1024)
    }

    @Test("Bulk length limit")
    func bulkLength() {
        let atLimit = "$10\r\n0123456789\r\n"
        #expect(scan(wire(atLimit), mode: .reply, limits: Self.small).summaries.map(\.count) == [10])
        #expect(scanError(wire("$11\r\n"), mode: .reply, limits: Self.small) == .invalidLength)
        #expect(scanError(wire("!11\r\n"), mode: .reply, limits: Self.small) == .invalidLength)
        #expect(scanError(wire("$?\r\n;11\r\n"), mode: .reply, limits: Self.small) == .invalidLength)
        let request = scan(wire("*1\r\n$10\r\n0123456789\r\n"), mode: .request, limits: Self.small)
        #expect(request.summaries.map(\.count) == [1])
        #expect(scanError(wire("*1\r\n$11\r\n"), mode: .request, limits: Self.small) == .invalidBulkLength)
    }

    @Test("Aggregate length limit counts map pairs twice")
    func aggregateLength() {
        #expect(scan(wire("*4\r\n:1\r\n:2\r\n:3\r\n:4\r\n"), mode: .reply, limits: Self.small).error == nil)
        #expect(scanError(wire("*5\r\n"), mode: .reply, limits: Self.small) == .invalidLength)
        #expect(scanError(wire("~5\r\n"), mode: .reply, limits: Self.small) == .invalidLength)
        #expect(scanError(wire(">5\r\n"), mode: .reply, limits: Self.small) == .invalidLength)
        #expect(scan(wire("%2\r\n:1\r\n:2\r\n:3\r\n:4\r\n"), mode: .reply, limits: Self.small).error == nil)
        #expect(scanError(wire("%3\r\n"), mode: .reply, limits: Self.small) == .invalidLength)
        #expect(scanError(wire("|3\r\n"), mode: .reply, limits: Self.small) == .invalidLength)
        let fourArguments = wire("*4\r\n$1\r\na\r\n$0\r\n\r\n$0\r\n\r\n$0\r\n\r\n")
        #expect(scan(fourArguments, mode: .request, limits: Self.small).error == nil)
        #expect(scanError(wire("*5\r\n"), mode: .request, limits: Self.small) == .invalidMultibulkLength)
    }

    @Test("Depth limit")
    func depth() {
        let flat = RESPLimits(maxBulkLength: 10, maxAggregateLength: 4, maxDepth: 1, maxInlineLength: 8)
        #expect(scan(wire("*2\r\n:1\r\n$1\r\na\r\n"), mode: .reply, limits: flat).error == nil)
        #expect(scanError(wire("*1\r\n*0\r\n"), mode: .reply, limits: flat) == nil)
        #expect(scanError(wire("*1\r\n*1\r\n:1\r\n"), mode: .reply, limits: flat) == .tooDeep)
        #expect(scanError(wire("*1\r\n|1\r\n+a\r\n+b\r\n:1\r\n"), mode: .reply, limits: flat) == .tooDeep)
        #expect(scan(wire("|1\r\n+a\r\n+b\r\n*1\r\n:1\r\n"), mode: .reply, limits: flat).error == nil)
        #expect(scan(wire("*1\r\n$?\r\n;1\r\na\r\n;0\r\n"), mode: .reply, limits: flat).error == nil)
        #expect(scan(wire("*?\r\n:1\r\n.\r\n"), mode: .reply, limits: flat).error == nil)

        #expect(scan(wire("*1\r\n%1\r\n:1\r\n:2\r\n"), mode: .reply, limits: Self.small).error == nil)
        #expect(scanError(wire("*1\r\n%1\r\n:1\r\n*1\r\n"), mode: .reply, limits: Self.small) == .tooDeep)
        #expect(scanError(wire("*?\r\n~?\r\n>1\r\n"), mode: .reply, limits: Self.small) == .tooDeep)
        #expect(RESPProtocolError.tooDeep.message == "Protocol error: aggregates nested too deeply")
    }

    @Test("Default reply depth allows 65536 levels, not 65537")
    func defaultReplyDepth() {
        let leaf = wire(":1\r\n")
        let ok = Array(repeating: wire("*1\r\n"), count: 65536).flatMap { $0 } + leaf
        #expect(scan(ok, mode: .reply).summaries.map(\.byteCount) == [ok.count])
        let deep = Array(repeating: wire("*1\r\n"), count: 65537).flatMap { $0 } + leaf
        #expect(scanError(deep, mode: .reply) == .tooDeep)
    }

    @Test("Inline length limit")
    func inlineLength() {
        let atLimit = scan(wire("GET abc\r\n"), mode: .request, limits: Self.small)
        #expect(atLimit.summaries == [summary(.inlineCommand, count: 2, bytes: 9, heads: [head("GET"), head("abc")])])
        let over = scan(wire("GET abcd\r\n"), mode: .request, limits: Self.small)
        #expect(over.error == .inlineTooBig)
        #expect(over.error?.message == "Protocol error: too big inline request")
        #expect(scanByteByByte(wire("GET abcd\r\n"), mode: .request, limits: Self.small).error == .inlineTooBig)
        let unterminated = scanByteByByte(wire("123456789"), mode: .request, limits: Self.small)
        #expect(unterminated.error == .inlineTooBig)
    }
}
