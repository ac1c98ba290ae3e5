/// Splits one reply array (`*N`) into its elements, each scanned as a frame of its own:
/// the proxy pairs `EXEC`'s reply element by element with the commands it ran.
///
/// Resumable like ``RESPScanner``: the header and each element may arrive in any number of
/// pieces. It copies nothing; the elements are scanned by an inner ``RESPScanner``.
public struct RESPAggregateSplitter: Sendable {
    /// What one call found.
    public enum Step: Equatable, Sendable {
        /// The bytes ran out inside the header or an element.
        case needMore
        /// The next frame is not an array (an error, a RESP3 null or push): nothing consumed.
        case notAnArray
        /// The header: `count` elements follow (-1: a null array, none follow); the frame
        /// passed in holds the header's size in ``RESPFrame/byteCount``.
        case header(count: Int)
        /// One whole element, summarised in the frame passed in.
        case element
    }

    private var elements = RESPScanner(mode: .reply)
    private var inHeader = false
    private var number = 0
    private var digits = 0
    private var negative = false
    private var sawCR = false
    private var headerBytes = 0
    /// Elements of the current array not yet reported.
    public private(set) var remaining = 0

    /// Whether the next byte starts a frame: an array's header or one of its elements.
    public var isBetweenFrames: Bool { !inHeader && elements.isAtFrameBoundary }

    /// A splitter before its first array.
    public init() {}

    /// Scans from `offset`: the header of a new array when none is under way, else its next
    /// element. `frame` receives the element's summary (or the header's size).
    public mutating func next(
        _ bytes: UnsafeRawBufferPointer, offset: inout Int, into frame: inout RESPFrame
    ) throws(RESPProtocolError) -> Step {
        if remaining > 0 {
            guard try elements.next(bytes, offset: &offset, into: &frame) else { return .needMore }
            remaining -= 1
            return .element
        }
        guard offset < bytes.count else { return .needMore }
        if !inHeader {
            guard bytes[offset] == Byte.asterisk else { return .notAnArray }
            offset += 1
            inHeader = true
            (number, digits, negative, sawCR, headerBytes) = (0, 0, false, false, 1)
        }
        while offset < bytes.count {
            let byte = bytes[offset]
            offset += 1
            headerBytes += 1
            if sawCR {
                guard byte == Byte.lf else { throw .malformedLine }
                return finishHeader(into: &frame)
            }
            switch byte {
            case Byte.cr:
                sawCR = true
            case Byte.minus where digits == 0 && !negative:
                negative = true
            case UInt8(ascii: "0")...UInt8(ascii: "9") where digits < 18:
                number = number * 10 + Int(byte - UInt8(ascii: "0"))
                digits += 1
            default:
                throw .invalidLength
            }
        }
        return .needMore
    }

    private mutating func finishHeader(into frame: inout RESPFrame) -> Step {
        inHeader = false
        frame = RESPFrame()
        frame.type = .array
        frame.byteCount = headerBytes
        let count = negative ? -number : number
        frame.count = count
        remaining = max(count, 0)
        return .header(count: count)
    }
}
