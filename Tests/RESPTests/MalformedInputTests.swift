import RESP
import Testing

/// An input the scanner must reject, and how.
struct ErrorCase: Sendable, CustomTestStringConvertible {
    let name: String
    let mode: RESPScanner.Mode
    let bytes: [UInt8]
    let error: RESPProtocolError
    let message: String
    /// Complete frames that precede the bad bytes.
    let framesBefore: Int

    var testDescription: String { name }

    init(
        _ name: String,
        _ mode: RESPScanner.Mode,
        _ bytes: [UInt8],
        _ error: RESPProtocolError,
        _ message: String,
        framesBefore: Int = 0
    ) {
        self.name = name
        self.mode = mode
        self.bytes = bytes
        self.error = error
        self.message = message
        self.framesBefore = framesBefore
    }

    init(
        _ name: String,
        _ mode: RESPScanner.Mode,
        _ text: String,
        _ error: RESPProtocolError,
        _ message: String,
        framesBefore: Int = 0
    ) {
        self.init(name, mode, wire(text), error, message, framesBefore: framesBefore)
    }
}

extension ErrorCase {
    /// A reply starting with `shown`, which is no RESP type byte.
    static func unknownType(_ name: String, _ text: String, _ shown: Unicode.Scalar) -> ErrorCase {
        ErrorCase(name, .reply, text, .unknownType(UInt8(ascii: shown)), "Protocol error: unknown type byte '\(shown)'")
    }

    /// A reply with the type byte `shown` where it is not allowed.
    static func unexpected(_ name: String, _ text: String, _ shown: Unicode.Scalar) -> ErrorCase {
        ErrorCase(name, .reply, text, .unexpected(UInt8(ascii: shown)), "Protocol error: unexpected '\(shown)'")
    }
}

@Suite("Malformed input")
struct MalformedInputTests {
    static let multibulk = "Protocol error: invalid multibulk length"
    static let bulk = "Protocol error: invalid bulk length"
    static let malformed = "Protocol error: malformed line (expected CRLF)"
    static let length = "Protocol error: invalid length"

    static let requestCases: [ErrorCase] = [
        ErrorCase("non-numeric multibulk length", .request, "*abc\r\n", .invalidMultibulkLength, multibulk),
        ErrorCase("empty multibulk length", .request, "*\r\n", .invalidMultibulkLength, multibulk),
        ErrorCase("multibulk length above INT_MAX", .request, "*2147483648\r\n", .invalidMultibulkLength, multibulk),
        ErrorCase(
            "20-digit multibulk length", .request, "*12345678901234567890\r\n", .invalidMultibulkLength, multibulk),
        ErrorCase("streamed multibulk", .request, "*?\r\n", .invalidMultibulkLength, multibulk),
        ErrorCase("multibulk CR without LF", .request, "*1\rx", .invalidMultibulkLength, multibulk),
        ErrorCase("negative bulk length", .request, "*1\r\n$-1\r\n", .invalidBulkLength, bulk),
        ErrorCase("non-numeric bulk length", .request, "*1\r\n$x\r\n", .invalidBulkLength, bulk),
        ErrorCase("empty bulk length", .request, "*1\r\n$\r\n", .invalidBulkLength, bulk),
        ErrorCase("bulk length above 512 MiB", .request, "*1\r\n$536870913\r\n", .invalidBulkLength, bulk),
        ErrorCase("streamed bulk", .request, "*1\r\n$?\r\n", .invalidBulkLength, bulk),
        ErrorCase(
            "integer element",
            .request,
            "*1\r\n:1\r\n",
            .expectedBulk(got: UInt8(ascii: ":")),
            "Protocol error: expected '$', got ':'"
        ),
        ErrorCase(
            "nested array element",
            .request,
            "*2\r\n$1\r\na\r\n*1\r\n",
            .expectedBulk(got: UInt8(ascii: "*")),
            "Protocol error: expected '$', got '*'"
        ),
        ErrorCase(
            "unprintable element byte",
            .request,
            "*1\r\n\r\n",
            .expectedBulk(got: 0x0D),
            "Protocol error: expected '$', got '\\xd'"
        ),
        ErrorCase(
            "error after a complete command",
            .request,
            "PING\r\n*1\r\n+x\r\n",
            .expectedBulk(got: UInt8(ascii: "+")),
            "Protocol error: expected '$', got '+'",
            framesBefore: 1
        ),
        ErrorCase(
            "inline line above 64 KiB",
            .request,
            [UInt8](repeating: UInt8(ascii: "a"), count: 64 * 1024 + 1),
            .inlineTooBig,
            "Protocol error: too big inline request"
        ),
        ErrorCase(
            "inline line above 64 KiB with its newline",
            .request,
            [UInt8](repeating: UInt8(ascii: "a"), count: 64 * 1024 + 1) + [0x0A],
            .inlineTooBig,
            "Protocol error: too big inline request"
        ),
    ]

    static let replyCases: [ErrorCase] = [
        .unknownType("unknown type byte", "@foo\r\n", "@"),
        .unknownType("unknown type byte in an array", "*1\r\nx\r\n", "x"),
        ErrorCase(
            "unprintable type byte",
            .reply,
            [0x01],
            .unknownType(0x01),
            "Protocol error: unknown type byte '\\x1'"
        ),
        ErrorCase(
            "bare CRLF as a reply",
            .reply,
            "\r\n",
            .unknownType(0x0D),
            "Protocol error: unknown type byte '\\xd'"
        ),
        ErrorCase("CR without LF in a simple string", .reply, "+OK\rX\n", .malformedLine, malformed),
        ErrorCase("CR without LF in an integer", .reply, ":12\r3", .malformedLine, malformed),
        ErrorCase("CR without LF in a length", .reply, "$3\r$", .malformedLine, malformed),
        ErrorCase("bulk payload without CRLF", .reply, "$3\r\nfooXY", .malformedLine, malformed),
        ErrorCase("bulk payload with CR but no LF", .reply, "$3\r\nfoo\rX", .malformedLine, malformed),
        ErrorCase("bulk payload longer than announced", .reply, "$2\r\nfoo\r\n", .malformedLine, malformed),
        ErrorCase("stream chunk without CRLF", .reply, "$?\r\n;1\r\nab", .malformedLine, malformed),
        ErrorCase("content after null", .reply, "_x\r\n", .malformedLine, malformed),
        ErrorCase("content after stream end", .reply, "*?\r\n.x\r\n", .malformedLine, malformed),
        ErrorCase("bytes after a stream marker", .reply, "*?1\r\n", .malformedLine, malformed),
        ErrorCase("non-numeric integer", .reply, ":abc\r\n", .invalidLength, length),
        ErrorCase("empty integer", .reply, ":\r\n", .invalidLength, length),
        ErrorCase("sign-only integer", .reply, ":-\r\n", .invalidLength, length),
        ErrorCase("integer above Int64.max", .reply, ":9223372036854775808\r\n", .invalidLength, length),
        ErrorCase("integer below Int64.min", .reply, ":-9223372036854775809\r\n", .invalidLength, length),
        ErrorCase("integer with two signs", .reply, ":--1\r\n", .invalidLength, length),
        ErrorCase("non-numeric bulk length", .reply, "$x\r\n", .invalidLength, length),
        ErrorCase("bulk length below -1", .reply, "$-2\r\n", .invalidLength, length),
        ErrorCase("array length below -1", .reply, "*-2\r\n", .invalidLength, length),
        ErrorCase("null map", .reply, "%-1\r\n", .invalidLength, length),
        ErrorCase("19-digit length", .reply, "$1000000000000000000\r\n", .invalidLength, length),
        ErrorCase("plus-signed length", .reply, "*+1\r\n", .invalidLength, length),
        ErrorCase("streamed blob error", .reply, "!?\r\n", .invalidLength, length),
        ErrorCase("streamed verbatim string", .reply, "=?\r\n", .invalidLength, length),
        ErrorCase("negative stream chunk", .reply, "$?\r\n;-1\r\n", .invalidLength, length),
        .unexpected("chunk outside a streamed string", ";3\r\nabc\r\n", ";"),
        .unexpected("chunk inside an array", "*1\r\n;1\r\na\r\n", ";"),
        .unexpected("value inside a streamed string", "$?\r\n+x\r\n", "+"),
        .unexpected("end marker at top level", ".\r\n", "."),
        .unexpected("end marker in a counted array", "*1\r\n.\r\n", "."),
        .unexpected("end marker in a counted array inside a stream", "*?\r\n*2\r\n:1\r\n.\r\n", "."),
        .unexpected("end marker inside a streamed string", "$?\r\n.\r\n", "."),
        ErrorCase(
            "error after complete replies",
            .reply,
            "+OK\r\n:1\r\n@",
            .unknownType(UInt8(ascii: "@")),
            "Protocol error: unknown type byte '@'",
            framesBefore: 2
        ),
    ]

    @Test("Each malformed input fails with Redis's error text", arguments: requestCases + replyCases)
    func malformed(_ testCase: ErrorCase) {
        let outcome = scan(testCase.bytes, mode: testCase.mode)
        #expect(outcome.error == testCase.error)
        #expect(outcome.error?.message == testCase.message)
        #expect(outcome.error?.description == testCase.message)
        #expect(outcome.frames.count == testCase.framesBefore)
    }

    @Test("The error does not depend on how the input is split", arguments: requestCases + replyCases)
    func malformedSplit(_ testCase: ErrorCase) {
        let whole = scan(testCase.bytes, mode: testCase.mode)
        let single = scanByteByByte(testCase.bytes, mode: testCase.mode)
        #expect(single.error == whole.error)
        #expect(single.summaries == whole.summaries)
        for point in stride(from: 0, through: min(testCase.bytes.count, 40), by: 1) {
            let split = scan(testCase.bytes, mode: testCase.mode, cuts: [point])
            #expect(split.error == whole.error, "split at \(point)")
            #expect(split.summaries == whole.summaries, "split at \(point)")
            let inPlace = scan(testCase.bytes, mode: testCase.mode, cuts: [point], inPlace: true)
            #expect(inPlace == split, "in place, split at \(point)")
        }
    }

    @Test("Errors are distinct values")
    func distinctErrors() {
        let errors: [RESPProtocolError] = [
            .invalidMultibulkLength, .invalidBulkLength, .inlineTooBig, .malformedLine, .invalidLength, .tooDeep,
            .expectedBulk(got: 0x3A), .unknownType(0x3A), .unexpected(0x3A), .unexpected(0x3B),
        ]
        #expect(Set(errors).count == errors.count)
        #expect(Set(errors.map(\.message)).count == errors.count)
        #expect(RESPProtocolError.tooDeep.message == "Protocol error: aggregates nested too deeply")
    }
}
