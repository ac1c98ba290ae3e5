/// A violation of the RESP grammar or of a ``RESPLimits`` bound.
///
/// ``message`` reads like Redis's own protocol errors, so a client that sends the
/// proxy a malformed request sees the text Redis would have sent.
public struct RESPProtocolError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Hashable {
        case invalidMultibulkLength
        case invalidBulkLength
        case expectedBulk(got: UInt8)
        case inlineTooBig
        case unknownType(UInt8)
        case malformedLine
        case invalidLength
        case tooDeep
        case unexpected(UInt8)
    }

    private let code: Code

    /// `*N` with N not a number or above the aggregate limit.
    public static let invalidMultibulkLength = RESPProtocolError(code: .invalidMultibulkLength)
    /// `$N` with N not a number, negative, or above the bulk limit.
    public static let invalidBulkLength = RESPProtocolError(code: .invalidBulkLength)
    /// An inline command longer than the inline limit.
    public static let inlineTooBig = RESPProtocolError(code: .inlineTooBig)
    /// A reply line that is not terminated by `\r\n`, or has the wrong content.
    public static let malformedLine = RESPProtocolError(code: .malformedLine)
    /// A reply length header that is not a number or exceeds a limit.
    public static let invalidLength = RESPProtocolError(code: .invalidLength)
    /// Aggregates nested deeper than the depth limit.
    public static let tooDeep = RESPProtocolError(code: .tooDeep)

    /// A request element that is not a bulk string.
    public static func expectedBulk(got byte: UInt8) -> RESPProtocolError {
        RESPProtocolError(code: .expectedBulk(got: byte))
    }

    /// A reply value starting with a byte that is no RESP type.
    public static func unknownType(_ byte: UInt8) -> RESPProtocolError {
        RESPProtocolError(code: .unknownType(byte))
    }

    /// A type byte that is valid RESP but not allowed where it stands (`;` outside a
    /// streamed string, `.` outside a streamed aggregate).
    public static func unexpected(_ byte: UInt8) -> RESPProtocolError {
        RESPProtocolError(code: .unexpected(byte))
    }

    /// The error text, without the leading `-ERR `.
    public var message: String {
        switch code {
        case .invalidMultibulkLength: return "Protocol error: invalid multibulk length"
        case .invalidBulkLength: return "Protocol error: invalid bulk length"
        case .expectedBulk(let byte): return "Protocol error: expected '$', got '\(Self.printable(byte))'"
        case .inlineTooBig: return "Protocol error: too big inline request"
        case .unknownType(let byte): return "Protocol error: unknown type byte '\(Self.printable(byte))'"
        case .malformedLine: return "Protocol error: malformed line (expected CRLF)"
        case .invalidLength: return "Protocol error: invalid length"
        case .tooDeep: return "Protocol error: aggregates nested too deeply"
        case .unexpected(let byte): return "Protocol error: unexpected '\(Self.printable(byte))'"
        }
    }

    /// Same as ``message``.
    public var description: String { message }

    private static func printable(_ byte: UInt8) -> String {
        (0x20..<0x7F).contains(byte) ? String(UnicodeScalar(byte)) : "\\x" + String(byte, radix: 16)
    }
}
