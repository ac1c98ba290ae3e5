import Cluster

/// Holds back and rewrites the few reply frames that name cluster nodes, for one session
/// of a cluster node's listener (`docs/decisions/0007-cluster-topology-rewrite.md`).
///
/// The session's machine tells it where each frame starts and ends in a chunk of upstream
/// bytes. A frame is a candidate from its first byte: an error (`-`: it may be a `-MOVED` or
/// `-ASK`), or any frame while the command it answers is a topology command
/// (``TopologyReply``). A candidate's bytes are held until it is complete, then rewritten
/// (or passed on as they were); every other byte streams as it comes. A candidate that
/// grows past ``holdLimit`` is passed on unchanged from then on.
package struct ClusterReplyEditor {
    /// Rewrites one complete frame; nil when it stays as it is.
    package typealias Rewrite = (_ frame: [UInt8], _ reply: TopologyReply?) -> [UInt8]?

    /// The most a candidate frame is held to (topology replies are kilobytes).
    package static let defaultHoldLimit = 16 << 20

    private let rewrite: Rewrite
    private let holdLimit: Int
    /// The candidate frame in progress (started in this chunk or an earlier one).
    private var candidate: TopologyReply??
    /// Where the candidate starts in this chunk (0 when it began in an earlier one).
    private var start = 0
    /// The candidate's bytes from earlier chunks.
    private var held: [UInt8] = []
    /// The chunk's bytes before this are in ``pieces`` (or held).
    private var relayed = 0
    /// What the client is sent for the current chunk.
    package private(set) var pieces: [ReplyPiece] = []
    /// A candidate outgrew the limit in the current chunk (log it).
    package private(set) var overflowed = false

    /// An editor that rewrites with `map` (``ClusterAddressMap/resolve(_:)``).
    package init(map: ClusterAddressMap, holdLimit: Int = defaultHoldLimit) {
        self.init(holdLimit: holdLimit) { frame, reply in
            ClusterReplyRewriter.rewrite(frame, as: reply, lookup: map.resolve)
        }
    }

    /// An editor that rewrites with `rewrite`.
    package init(holdLimit: Int = defaultHoldLimit, rewrite: @escaping Rewrite) {
        self.rewrite = rewrite
        self.holdLimit = holdLimit
    }

    /// A new chunk begins.
    package mutating func beginChunk() {
        pieces.removeAll(keepingCapacity: true)
        relayed = 0
        start = 0
        overflowed = false
    }

    /// A frame starts at `offset`, with `firstByte`, answering a `reply` command (nil: another).
    @inline(__always)
    package mutating func frameStarts(at offset: Int, firstByte: UInt8, reply: TopologyReply?) {
        if reply != nil || firstByte == UInt8(ascii: "-") {
            candidate = .some(reply)
            start = offset
        }
    }

    /// The frame under way ends at `end` in `bytes`: a candidate is rewritten.
    @inline(__always)
    package mutating func frameEnds(at end: Int, in bytes: UnsafeRawBufferPointer) {
        guard let reply = candidate else { return }
        candidate = nil
        if reply == nil && held.isEmpty && !Self.isRedirection(bytes, from: start, to: end) {
            return  // an error other than -MOVED/-ASK, whole in this chunk: streamed, never copied
        }
        var frame = held
        held = []
        frame.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
        let edited = rewrite(frame, reply)
        guard edited != nil || frame.count != end - start else { return }  // in the chunk, unchanged: stream it
        if start > relayed { pieces.append(.relay(relayed..<start)) }
        pieces.append(.insert(edited ?? frame))
        relayed = end
    }

    /// Whether `bytes[start..<end]` begins `-MOVED ` or `-ASK ` (the only errors that name a node).
    @inline(__always)
    private static func isRedirection(_ bytes: UnsafeRawBufferPointer, from start: Int, to end: Int) -> Bool {
        func startsWith(_ prefix: StaticString) -> Bool {
            let count = prefix.utf8CodeUnitCount
            guard end - start >= count else { return false }
            let text = prefix.utf8Start
            for index in 0..<count where bytes[start + index] != text[index] { return false }
            return true
        }
        return startsWith("-MOVED ") || startsWith("-ASK ")
    }

    /// The chunk's frames were all seen: what is not held is relayed.
    package mutating func endChunk(_ bytes: UnsafeRawBufferPointer) {
        if candidate != nil {
            if start > relayed { pieces.append(.relay(relayed..<start)) }
            held.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start...]))
            relayed = bytes.count
            if held.count > holdLimit {
                // Passed on as it is, and the rest of the frame streams.
                pieces.append(.insert(held))
                held = []
                candidate = nil
                overflowed = true
            }
        } else if relayed < bytes.count {
            pieces.append(.relay(relayed..<bytes.count))
        }
    }

    /// Scanning stopped (unparsable replies, or a raw stream from here): what is held is
    /// passed on, and the rest of the chunk after it.
    package mutating func passRest(_ bytes: UnsafeRawBufferPointer) {
        if !held.isEmpty { pieces.append(.insert(held)) }
        held = []
        candidate = nil
        if relayed < bytes.count { pieces.append(.relay(relayed..<bytes.count)) }
        relayed = bytes.count
    }

    /// Relays a whole chunk unscanned.
    package mutating func relayWhole(_ bytes: UnsafeRawBufferPointer) {
        beginChunk()
        passRest(bytes)
    }
}
