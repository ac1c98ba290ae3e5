/// The kind of a RESP2/RESP3 value, named by its leading type byte.
public enum RESPType: UInt8, Sendable, Hashable {
    /// `+text\r\n`
    case simpleString = 0x2B
    /// `-ERR text\r\n`
    case simpleError = 0x2D
    /// `:123\r\n`
    case integer = 0x3A
    /// `$5\r\nhello\r\n` (or the RESP2 null bulk `$-1\r\n`)
    case bulkString = 0x24
    /// `*2\r\n...` (or the RESP2 null array `*-1\r\n`)
    case array = 0x2A
    /// `_\r\n` (RESP3)
    case null = 0x5F
    /// `#t\r\n` (RESP3)
    case boolean = 0x23
    /// `,1.5\r\n` (RESP3)
    case double = 0x2C
    /// `(3492890328409238509324850943850943825024385\r\n` (RESP3)
    case bigNumber = 0x28
    /// `!21\r\nSYNTAX invalid syntax\r\n` (RESP3)
    case blobError = 0x21
    /// `=15\r\ntxt:Some string\r\n` (RESP3)
    case verbatimString = 0x3D
    /// `%2\r\n...` (RESP3)
    case map = 0x25
    /// `~2\r\n...` (RESP3)
    case set = 0x7E
    /// `|1\r\n...` (RESP3): metadata that precedes the value it describes.
    case attribute = 0x7C
    /// `>3\r\n...` (RESP3): out-of-band data such as pub/sub messages.
    case push = 0x3E
    /// A command sent as a plain line (`PING\r\n`), as telnet and `redis-cli` may send.
    case inlineCommand = 0x00

    /// Whether the value is an error reply (`-` or `!`). Always inlined: it runs per reply.
    @inlinable @inline(__always)
    public var isError: Bool { self == .simpleError || self == .blobError }

    /// Whether the value holds child values.
    public var isAggregate: Bool {
        switch self {
        case .array, .map, .set, .attribute, .push: return true
        default: return false
        }
    }
}
