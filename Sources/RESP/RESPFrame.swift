/// What the scanner learned about one complete top-level frame.
///
/// The frame's bytes are not kept: the proxy forwards them as they arrive. The summary
/// holds what matching and telemetry need: the type, the element count, and the first
/// bytes of up to three leading strings (for a request: the command name and its first
/// two arguments; for a reply: the reply text, or the first three children of an
/// aggregate).
public struct RESPFrame: Sendable, Hashable {
    /// The top-level type (after any attribute); ``RESPType/inlineCommand`` for inline requests.
    public var type: RESPType = .null
    /// For aggregates and requests: the element count (-1 for a null array). For
    /// strings: the payload length (-1 for a null bulk). Otherwise 0.
    public var count: Int = 0
    /// Bytes the frame occupied on the wire.
    public var byteCount: Int = 0
    /// The top-level integer, or the last integer child of a top-level aggregate.
    public var integer: Int64 = 0
    /// Direct children of a top-level aggregate that are null (`$-1`, `*-1`, `_`).
    public var nullChildren: Int = 0
    /// Number of direct children of a top-level aggregate seen.
    public var childCount: Int = 0
    /// First bytes of the top-level string, or of the first direct child string.
    public var first = ByteHead()
    /// First bytes of the second direct child string.
    public var second = ByteHead()
    /// First bytes of the third direct child string.
    public var third = ByteHead()

    /// An empty summary.
    public init() {}

    /// Whether the frame is a null value (`_`, `$-1` or `*-1`). Always inlined: as a call,
    /// it was passed a copy of the frame per reply.
    @inlinable @inline(__always)
    public var isNull: Bool {
        type == .null || (count == -1 && (type == .bulkString || type == .array))
    }

    /// The head at `index` (0, 1 or 2).
    public subscript(head index: Int) -> ByteHead {
        get {
            switch index {
            case 0: return first
            case 1: return second
            default: return third
            }
        }
        set {
            switch index {
            case 0: first = newValue
            case 1: second = newValue
            default: third = newValue
            }
        }
    }
}
