/// A resumable RESP2/RESP3 frame scanner.
///
/// Feed it bytes as they arrive; it reports each complete top-level frame as a
/// ``RESPFrame`` summary and keeps its position inside a frame across calls, so a
/// half-received aggregate is never walked twice. Bulk payloads are skipped by length,
/// never copied (only the first ``ByteHead/capacity`` bytes of the leading strings are
/// kept), so scanning costs one pass over headers and nothing per payload byte.
///
/// In ``Mode/request`` it accepts what Redis accepts from a client: a flat array of bulk
/// strings, or an inline command line. In ``Mode/reply`` it accepts every RESP2 and
/// RESP3 type, including attributes and streamed strings and aggregates.
public struct RESPScanner: Sendable {
    /// Which grammar to accept.
    public enum Mode: Sendable {
        /// Client to server: multibulk arrays of bulk strings, or inline commands.
        case request
        /// Server to client: any RESP2/RESP3 value.
        case reply
    }

    private enum Phase {
        case typeByte, line, body, bodyCR, bodyLF, inline
    }

    private enum LineKind {
        case length, integer, text, empty
    }

    private enum LevelKind: UInt8 {
        case aggregate, attribute, streamedAggregate, streamedString
    }

    private struct Level {
        var remaining: Int
        var type: RESPType
        var kind: LevelKind
    }

    /// The grammar this scanner accepts.
    public let mode: Mode
    /// The bounds it enforces.
    public let limits: RESPLimits

    private var phase = Phase.typeByte
    private var levels: [Level] = []
    private var frame = RESPFrame()
    @usableFromInline var inFrame = false
    // The element whose header line or body is being read.
    private var elementByte: UInt8 = 0
    private var lineKind = LineKind.text
    private var captureSlot = -1
    private var number: Int64 = 0
    private var negative = false
    private var signSeen = false
    private var digits = 0
    private var streamedMarker = false
    private var sawCR = false
    private var remaining = 0
    private var bodyIsChunk = false
    // Inline command tokenizer.
    private var inlineLength = 0
    private var inToken = false
    private var quote: UInt8 = 0
    private var tokens = 0
    /// Whether the last inline command read opened a quote (Redis's own split of it may
    /// refuse its quoting, which this scanner only approximates).
    public private(set) var inlineQuoted = false

    /// Creates a scanner positioned before the first frame.
    public init(mode: Mode, limits: RESPLimits? = nil) {
        self.mode = mode
        self.limits = limits ?? (mode == .request ? .requestDefaults : .replyDefaults)
        levels.reserveCapacity(mode == .request ? 1 : 8)
    }

    /// Whether the scanner stands between frames (no frame is partly read).
    public var isAtFrameBoundary: Bool { !inFrame }

    /// Forgets any partly read frame.
    public mutating func reset() {
        phase = .typeByte
        levels.removeAll(keepingCapacity: true)
        inFrame = false
    }

    /// Scans `bytes` from `offset` up to the end of the next complete frame.
    ///
    /// Returns that frame's summary with `offset` just past it, or `nil` with `offset`
    /// at the end of `bytes` when they hold no complete frame (the partial frame's state
    /// is kept for the next call). After an error the scanner must not be used again.
    public mutating func next(
        _ bytes: UnsafeRawBufferPointer,
        offset: inout Int
    ) throws(RESPProtocolError) -> RESPFrame? {
        if !inFrame && offset < bytes.count {
            var common = RESPFrame()
            if fastFrame(bytes, &offset, into: &common) { return common }
        }
        return try scanGeneral(bytes, offset: &offset)
    }

    /// Scans like ``next(_:offset:)`` but writes the frame into `frame`, which the caller
    /// keeps across calls: the common frames are then written in place instead of being
    /// returned (`docs/decisions/0002-hand-written-epoll-data-path.md`).
    ///
    /// Returns true when a frame was written; false (with `frame` unspecified) when `bytes`
    /// hold no complete frame.
    ///
    /// Inlined into the caller, which then calls the one-pass scanners directly; with no
    /// bytes left (the end of every read) it returns at once
    /// (`docs/decisions/0002-hand-written-epoll-data-path.md`).
    @inlinable @inline(__always)
    public mutating func next(
        _ bytes: UnsafeRawBufferPointer,
        offset: inout Int,
        into frame: inout RESPFrame
    ) throws(RESPProtocolError) -> Bool {
        guard offset < bytes.count else { return false }
        if !inFrame && fastFrame(bytes, &offset, into: &frame) { return true }
        return try nextGeneral(bytes, offset: &offset, into: &frame)
    }

    /// ``next(_:offset:into:)`` through the resumable state machine.
    @usableFromInline
    mutating func nextGeneral(
        _ bytes: UnsafeRawBufferPointer,
        offset: inout Int,
        into frame: inout RESPFrame
    ) throws(RESPProtocolError) -> Bool {
        guard let scanned = try scanGeneral(bytes, offset: &offset) else { return false }
        frame = scanned
        return true
    }

    /// The resumable state machine: any frame, in any number of pieces.
    private mutating func scanGeneral(
        _ bytes: UnsafeRawBufferPointer,
        offset: inout Int
    ) throws(RESPProtocolError) -> RESPFrame? {
        var index = offset
        defer { offset = index }
        let end = bytes.count
        while index < end {
            switch phase {
            case .typeByte:
                let byte = bytes[index]
                if !inFrame {
                    inFrame = true
                    frame = RESPFrame()
                }
                if mode == .request {
                    if levels.isEmpty {
                        if byte != Byte.asterisk {
                            beginInline()
                            continue
                        }
                    } else if byte != Byte.dollar {
                        throw .expectedBulk(got: byte)
                    }
                }
                index += 1
                frame.byteCount += 1
                try beginElement(byte)
            case .line:
                if try scanLine(bytes, &index), try finishLine() {
                    return takeFrame()
                }
            case .body:
                let take = min(remaining, end - index)
                if captureSlot >= 0 {
                    appendHead(UnsafeRawBufferPointer(rebasing: bytes[index..<(index + take)]))
                }
                index += take
                frame.byteCount += take
                remaining -= take
                if remaining == 0 { phase = .bodyCR }
            case .bodyCR:
                // Redis skips the two bytes after a request payload unchecked; so do we.
                if mode == .reply && bytes[index] != Byte.cr { throw .malformedLine }
                index += 1
                frame.byteCount += 1
                phase = .bodyLF
            case .bodyLF:
                if mode == .reply && bytes[index] != Byte.lf { throw .malformedLine }
                index += 1
                frame.byteCount += 1
                phase = .typeByte
                if !bodyIsChunk, completeElement(isNull: false) {
                    return takeFrame()
                }
            case .inline:
                if try scanInline(bytes, &index) {
                    return takeFrame()
                }
            }
        }
        return nil
    }

    private mutating func takeFrame() -> RESPFrame {
        inFrame = false
        phase = .typeByte
        return frame
    }

    // MARK: - Elements

    private mutating func beginElement(_ byte: UInt8) throws(RESPProtocolError) {
        switch byte {
        case Byte.plus, Byte.minus, Byte.comma, Byte.paren, Byte.hash: lineKind = .text
        case Byte.colon: lineKind = .integer
        case Byte.dollar, Byte.bang, Byte.equals, Byte.semicolon, Byte.asterisk, Byte.tilde, Byte.percent,
            Byte.greater, Byte.pipe:
            lineKind = .length
        case Byte.underscore, Byte.dot: lineKind = .empty
        default: throw .unknownType(byte)
        }
        let inStreamedString = levels.last?.kind == .streamedString
        if (byte == Byte.semicolon) != inStreamedString { throw .unexpected(byte) }
        elementByte = byte
        number = 0
        negative = false
        signSeen = false
        digits = 0
        streamedMarker = false
        sawCR = false
        bodyIsChunk = false
        captureSlot = -1
        if levels.isEmpty && byte != Byte.pipe, let type = RESPType(rawValue: byte) {
            frame.type = type
        }
        if Self.isString(byte) || byte == Byte.semicolon {
            // A streamed string's chunks belong to the string one level up.
            let depth = byte == Byte.semicolon ? levels.count - 1 : levels.count
            if depth == 0 {
                captureSlot = 0
            } else if depth == 1 && levels[0].kind != .attribute && frame.childCount < 3 {
                captureSlot = frame.childCount
            }
        }
        phase = .line
    }

    /// Reads header-line bytes; returns true once the line's `\r\n` was consumed.
    private mutating func scanLine(
        _ bytes: UnsafeRawBufferPointer,
        _ index: inout Int
    ) throws(RESPProtocolError) -> Bool {
        let end = bytes.count
        while index < end {
            if sawCR {
                guard bytes[index] == Byte.lf else { throw lineError }
                index += 1
                frame.byteCount += 1
                return true
            }
            if lineKind == .text {
                var stop = index
                while stop < end && bytes[stop] != Byte.cr { stop += 1 }
                if captureSlot >= 0 && stop > index {
                    appendHead(UnsafeRawBufferPointer(rebasing: bytes[index..<stop]))
                }
                frame.byteCount += stop - index
                index = stop
                if stop < end {
                    sawCR = true
                    index += 1
                    frame.byteCount += 1
                }
                continue
            }
            let byte = bytes[index]
            index += 1
            frame.byteCount += 1
            if byte == Byte.cr {
                sawCR = true
            } else {
                try headerByte(byte)
            }
        }
        return false
    }

    private mutating func headerByte(_ byte: UInt8) throws(RESPProtocolError) {
        guard lineKind != .empty, !streamedMarker else { throw lineError }
        if byte >= Byte.zero && byte <= Byte.nine {
            digits += 1
            // The number is accumulated with its sign so that integer replies may span all
            // of Int64; lengths stay below 10^18, so doubling a map's length cannot overflow.
            let digit = Int64(byte &- Byte.zero)
            let (scaled, overflow) = number.multipliedReportingOverflow(by: 10)
            let (sum, carry) =
                negative ? scaled.subtractingReportingOverflow(digit) : scaled.addingReportingOverflow(digit)
            guard !overflow && !carry && (digits <= 18 || lineKind == .integer) else { throw lengthError }
            number = sum
        } else if digits == 0 && !signSeen && byte == Byte.minus {
            negative = true
            signSeen = true
        } else if digits == 0 && !signSeen && byte == Byte.plus && lineKind == .integer {
            signSeen = true
        } else if digits == 0 && !signSeen && byte == Byte.question && mode == .reply && lineKind == .length {
            streamedMarker = true
        } else {
            throw lengthError
        }
    }

    /// Acts on a complete header line; returns true when it completed the frame.
    private mutating func finishLine() throws(RESPProtocolError) -> Bool {
        let value = number
        switch elementByte {
        case Byte.plus, Byte.minus, Byte.comma, Byte.paren, Byte.hash:
            return completeElement(isNull: false)
        case Byte.underscore:
            return completeElement(isNull: true)
        case Byte.dot:
            guard let last = levels.last, last.kind == .streamedAggregate else { throw .unexpected(Byte.dot) }
            levels.removeLast()
            if levels.isEmpty { frame.count = last.type == .map ? frame.childCount / 2 : frame.childCount }
            return completeElement(isNull: false)
        case Byte.colon:
            guard digits > 0 else { throw lengthError }
            if levels.isEmpty || (levels.count == 1 && levels[0].kind != .attribute) {
                frame.integer = value
            }
            return completeElement(isNull: false)
        case Byte.dollar, Byte.bang, Byte.equals, Byte.semicolon:
            return try finishStringHeader(value)
        default:
            return try finishAggregateHeader(value)
        }
    }

    private mutating func finishStringHeader(_ value: Int64) throws(RESPProtocolError) -> Bool {
        if streamedMarker {
            guard elementByte == Byte.dollar else { throw lengthError }
            // A streamed string is no aggregate: it does not count toward `maxDepth`.
            levels.append(Level(remaining: -1, type: .bulkString, kind: .streamedString))
            phase = .typeByte
            return false
        }
        guard digits > 0 else { throw lengthError }
        if value == -1 && elementByte == Byte.dollar && mode == .reply {
            if levels.isEmpty { frame.count = -1 }
            return completeElement(isNull: true)
        }
        guard value >= 0 && value <= limits.maxBulkLength else { throw lengthError }
        if elementByte == Byte.semicolon {
            if value == 0 {
                levels.removeLast()
                return completeElement(isNull: false)
            }
            if levels.count == 1 { frame.count += Int(value) }
            bodyIsChunk = true
        } else if levels.isEmpty {
            frame.count = Int(value)
        }
        remaining = Int(value)
        phase = remaining == 0 ? .bodyCR : .body
        return false
    }

    private mutating func finishAggregateHeader(_ value: Int64) throws(RESPProtocolError) -> Bool {
        let type = RESPType(rawValue: elementByte) ?? .array
        let isAttribute = elementByte == Byte.pipe
        if streamedMarker {
            try push(Level(remaining: -1, type: type, kind: .streamedAggregate))
            phase = .typeByte
            return false
        }
        guard digits > 0 else { throw lengthError }
        if mode == .request && value <= 0 {
            // Redis ignores `*0` and `*-1` from a client: an empty command, no reply.
            frame.count = 0
            return completeElement(isNull: false)
        }
        if value == -1 && elementByte == Byte.asterisk {
            if levels.isEmpty { frame.count = -1 }
            return completeElement(isNull: true)
        }
        let elements = (elementByte == Byte.percent || isAttribute) ? value &* 2 : value
        guard value >= 0 && elements <= limits.maxAggregateLength else { throw lengthError }
        if levels.isEmpty && !isAttribute { frame.count = Int(value) }
        if elements == 0 {
            // An empty attribute still precedes a value; it is no element itself.
            guard !isAttribute else {
                phase = .typeByte
                return false
            }
            return completeElement(isNull: false)
        }
        try push(Level(remaining: Int(elements), type: type, kind: isAttribute ? .attribute : .aggregate))
        phase = .typeByte
        return false
    }

    private mutating func push(_ level: Level) throws(RESPProtocolError) {
        guard levels.count < limits.maxDepth else { throw .tooDeep }
        levels.append(level)
    }

    /// Records that an element ended, closing every aggregate it completes. Returns
    /// true when that finished the top-level frame.
    private mutating func completeElement(isNull: Bool) -> Bool {
        phase = .typeByte
        var isNull = isNull
        while let top = levels.indices.last {
            let level = levels[top]
            if top == 0 && level.kind != .attribute {
                frame.childCount += 1
                if isNull { frame.nullChildren += 1 }
            }
            if level.kind == .streamedAggregate { return false }
            levels[top].remaining -= 1
            if levels[top].remaining > 0 { return false }
            levels.removeLast()
            // An attribute describes the value after it; it is no element itself.
            if level.kind == .attribute { return false }
            isNull = false
        }
        return true
    }

    // MARK: - Inline commands

    private mutating func beginInline() {
        phase = .inline
        frame.type = .inlineCommand
        inlineLength = 0
        inToken = false
        quote = 0
        tokens = 0
        inlineQuoted = false
    }

    /// Reads an inline line; returns true once its `\n` was consumed.
    private mutating func scanInline(
        _ bytes: UnsafeRawBufferPointer,
        _ index: inout Int
    ) throws(RESPProtocolError) -> Bool {
        let end = bytes.count
        var stop = index
        while stop < end && bytes[stop] != Byte.lf { stop += 1 }
        inlineLength += stop - index
        guard inlineLength <= limits.maxInlineLength else { throw .inlineTooBig }
        for position in index..<stop { tokenize(bytes[position]) }
        frame.byteCount += stop - index
        index = stop
        guard stop < end else { return false }
        index += 1
        frame.byteCount += 1
        if inToken { tokens += 1 }
        frame.count = tokens
        return true
    }

    /// Splits an inline line into arguments closely enough to find the command name and
    /// first arguments; Redis does the authoritative split when it receives the bytes.
    private mutating func tokenize(_ byte: UInt8) {
        if quote != 0 {
            if byte == quote { quote = 0 } else { appendInline(byte) }
            return
        }
        if byte == Byte.space || byte == Byte.tab || byte == Byte.cr {
            if inToken {
                inToken = false
                tokens += 1
            }
            return
        }
        if !inToken {
            inToken = true
            if byte == Byte.doubleQuote || byte == Byte.singleQuote {
                quote = byte
                inlineQuoted = true
                return
            }
        }
        appendInline(byte)
    }

    private mutating func appendInline(_ byte: UInt8) {
        switch tokens {
        case 0: frame.first.append(byte)
        case 1: frame.second.appendHashingTail(byte)
        case 2: frame.third.append(byte)
        default: break
        }
    }

    // MARK: - Helpers

    private mutating func appendHead(_ bytes: UnsafeRawBufferPointer) {
        switch captureSlot {
        case 0: frame.first.append(bytes)
        case 1:
            // A request's first argument (a key, for keyed commands) is told apart by its whole content.
            if mode == .request { frame.second.appendHashingTail(bytes) } else { frame.second.append(bytes) }
        case 2: frame.third.append(bytes)
        default: break
        }
    }

    private var lengthError: RESPProtocolError {
        guard mode == .request else { return .invalidLength }
        return elementByte == Byte.asterisk ? .invalidMultibulkLength : .invalidBulkLength
    }

    private var lineError: RESPProtocolError {
        mode == .request ? lengthError : .malformedLine
    }

    private static func isString(_ byte: UInt8) -> Bool {
        switch byte {
        case Byte.plus, Byte.minus, Byte.dollar, Byte.bang, Byte.equals, Byte.comma, Byte.paren, Byte.hash:
            return true
        default:
            return false
        }
    }
}
