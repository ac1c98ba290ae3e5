import RESP

/// Routes the replies of one shared upstream connection (`--pool-mode shared`) back to the
/// sessions that sent the requests, in order; it knows nothing of sockets.
///
/// Redis answers in the order it read, and every command on a shared connection gets
/// exactly one reply frame (``SharedRouting`` pins the others), so a FIFO of
/// (session slot, frames owed) suffices: a batch of a session's frames appends an entry,
/// or grows the tail entry when it is the same session's. Replies are scanned frame by
/// frame and handed to the head entry's session as they arrive (a partial frame streams
/// in pieces). A session that closed while owed replies keeps its entries, marked gone:
/// their replies are read and dropped.
public struct ReplyRouter: Sendable {
    /// One run of consecutive frames owed to one session.
    struct Entry: Sendable {
        /// The session's slot, or -1 once it is gone.
        var slot: Int32
        /// Frames still owed.
        var frames: Int
    }

    /// A piece of reply bytes and whom it goes to.
    public struct Piece: Sendable, Equatable {
        /// The session's slot; nil when it is gone (drop the bytes), or when no reply was
        /// owed at all (``unowed``).
        public var slot: Int?
        /// Where the piece lies in the bytes given.
        public var range: Range<Int>
        /// Whether the piece ends a reply frame.
        public var endsFrame: Bool
        /// A reply nobody asked for: the connection lost track (close it).
        public var unowed: Bool
    }

    private var entries: [Entry] = []
    private var head = 0
    private var scanner = RESPScanner(mode: .reply)

    /// An empty FIFO.
    public init() {
        entries.reserveCapacity(16)
    }

    /// Whether any reply is still owed (to a session, or to be dropped).
    public var isEmpty: Bool { head == entries.count }

    /// Frames owed to every session, gone ones included.
    public var owedFrames: Int { entries[head...].reduce(0) { $0 + $1.frames } }

    /// `frames` more requests of `slot` were written to the connection.
    public mutating func append(slot: Int, frames: Int) {
        guard frames > 0 else { return }
        if head < entries.count, entries[entries.count - 1].slot == Int32(slot) {
            entries[entries.count - 1].frames += frames
            return
        }
        if head > 0 && head == entries.count {
            entries.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 64 && head * 2 >= entries.count {
            entries.removeFirst(head)
            head = 0
        }
        entries.append(Entry(slot: Int32(slot), frames: frames))
    }

    /// The session in `slot` closed: the replies still owed to it are dropped as they come.
    public mutating func markGone(slot: Int) {
        for index in head..<entries.count where entries[index].slot == Int32(slot) {
            entries[index].slot = -1
        }
    }

    /// Frames still owed to `slot`.
    public func owed(to slot: Int) -> Int {
        entries[head...].reduce(0) { $0 + ($1.slot == Int32(slot) ? $1.frames : 0) }
    }

    /// The next piece of `bytes` from `offset` (advanced past it); nil when none is left.
    public mutating func next(_ bytes: UnsafeRawBufferPointer, offset: inout Int) throws(RESPProtocolError) -> Piece? {
        guard offset < bytes.count else { return nil }
        let start = offset
        var frame = RESPFrame()
        let complete = try scanner.next(bytes, offset: &offset, into: &frame)
        if !complete { offset = bytes.count }
        guard head < entries.count else {
            return Piece(slot: nil, range: start..<offset, endsFrame: complete, unowed: true)
        }
        let slot = entries[head].slot
        if complete {
            entries[head].frames -= 1
            if entries[head].frames == 0 { head += 1 }
        }
        return Piece(slot: slot < 0 ? nil : Int(slot), range: start..<offset, endsFrame: complete, unowed: false)
    }
}
