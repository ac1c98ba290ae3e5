import RESP

/// The UTF-8 bytes of `text`, for writing wire data as string literals.
func wire(_ text: String) -> [UInt8] {
    Array(text.utf8)
}

/// A frame the scanner reported, with the absolute input offset just past it.
struct ScannedFrame: Equatable, CustomStringConvertible {
    var frame: RESPFrame
    var end: Int

    var description: String {
        "\(frame.type) count=\(frame.count) bytes=\(frame.byteCount) end=\(end) int=\(frame.integer) "
            + "nulls=\(frame.nullChildren) children=\(frame.childCount) "
            + "heads=[\(frame.first.text)|\(frame.second.text)|\(frame.third.text)]"
    }
}

/// What one scanner reported over a whole input.
struct ScanOutcome: Equatable {
    /// The frames, in order.
    var frames: [ScannedFrame] = []
    /// The error that stopped scanning, if any.
    var error: RESPProtocolError?
    /// Whether the scanner stood between frames once the input was used up.
    var atBoundary = true
    /// Whether every call left `offset` where the contract says.
    var offsetsValid = true

    /// The frame summaries alone.
    var summaries: [RESPFrame] { frames.map(\.frame) }
}

/// Feeds `input` to a fresh scanner in separately allocated pieces that end at `cuts`
/// (ascending offsets inside the input; the end of the input is added). With `inPlace`,
/// through `next(_:offset:into:)` with one summary reused for the whole input, as the
/// proxy scans.
func scan(
    _ input: [UInt8],
    mode: RESPScanner.Mode,
    limits: RESPLimits? = nil,
    cuts: [Int] = [],
    inPlace: Bool = false
) -> ScanOutcome {
    var scanner = RESPScanner(mode: mode, limits: limits)
    var outcome = ScanOutcome()
    var reused = RESPFrame()
    var start = 0
    for stop in cuts + [input.count] where stop > start {
        let piece = Array(input[start..<stop])
        let pieceStart = start
        piece.withUnsafeBytes { buffer in
            var offset = 0
            do throws(RESPProtocolError) {
                while true {
                    let frame: RESPFrame
                    if inPlace {
                        guard try scanner.next(buffer, offset: &offset, into: &reused) else { break }
                        frame = reused
                    } else {
                        guard let next = try scanner.next(buffer, offset: &offset) else { break }
                        frame = next
                    }
                    outcome.frames.append(ScannedFrame(frame: frame, end: pieceStart + offset))
                    if offset <= 0 || offset > buffer.count { outcome.offsetsValid = false }
                }
                if offset != buffer.count { outcome.offsetsValid = false }
            } catch {
                outcome.error = error
            }
        }
        if outcome.error != nil { break }
        start = stop
    }
    outcome.atBoundary = scanner.isAtFrameBoundary
    return outcome
}

/// Feeds `input` one byte at a time.
func scanByteByByte(_ input: [UInt8], mode: RESPScanner.Mode, limits: RESPLimits? = nil) -> ScanOutcome {
    scan(input, mode: mode, limits: limits, cuts: input.isEmpty ? [] : Array(1..<input.count))
}

/// Feeds `input` in pieces whose sizes are drawn from `sizes` in turn.
func scanChunked(
    _ input: [UInt8],
    mode: RESPScanner.Mode,
    limits: RESPLimits? = nil,
    sizes: [Int]
) -> ScanOutcome {
    var cuts: [Int] = []
    var position = 0
    var turn = 0
    while true {
        position += max(1, sizes[turn % sizes.count])
        turn += 1
        guard position < input.count else { break }
        cuts.append(position)
    }
    return scan(input, mode: mode, limits: limits, cuts: cuts)
}

/// The error scanning `input` in one piece stops at, if any.
func scanError(_ input: [UInt8], mode: RESPScanner.Mode, limits: RESPLimits? = nil) -> RESPProtocolError? {
    scan(input, mode: mode, limits: limits).error
}

/// A head holding the UTF-8 bytes of `text`.
func head(_ text: String) -> ByteHead {
    ByteHead(text.utf8)
}

/// Builds the summary a frame is expected to have.
func summary(
    _ type: RESPType,
    count: Int = 0,
    bytes: Int,
    integer: Int64 = 0,
    nulls: Int = 0,
    children: Int = 0,
    heads: [ByteHead] = []
) -> RESPFrame {
    var frame = RESPFrame()
    frame.type = type
    frame.count = count
    frame.byteCount = bytes
    frame.integer = integer
    frame.nullChildren = nulls
    frame.childCount = children
    for (index, value) in heads.prefix(3).enumerated() {
        frame[head: index] = value
    }
    return frame
}

/// Where each frame of `summaries` ends when they are laid out back to back.
func ends(of summaries: [RESPFrame]) -> [Int] {
    var total = 0
    return summaries.map { frame in
        total += frame.byteCount
        return total
    }
}
