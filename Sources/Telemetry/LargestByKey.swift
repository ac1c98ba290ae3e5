import RESP

/// One large request or reply: its key, command, size and when it completed.
public struct BigKeyEntry: Sendable, Equatable {
    /// The command's first key.
    public var key: ByteHead
    /// The command's id in the command table.
    public var commandID: Int
    /// The request's or reply's size on the wire, in bytes.
    public var bytes: Int
    /// Monotonic time (nanoseconds) of the reply's last byte.
    public var endNanos: UInt64

    /// An entry with these values.
    public init(key: ByteHead, commandID: Int, bytes: Int, endNanos: UInt64) {
        self.key = key
        self.commandID = commandID
        self.bytes = bytes
        self.endNanos = endNanos
    }
}

/// The `capacity` largest sizes seen, at most one entry per key (its largest). A size
/// costs one comparison unless it beats the smallest held (``floor``); only then is the
/// list scanned, O(capacity). Storage is allocated up front: recording allocates nothing.
struct LargestByKey: ~Copyable {
    let capacity: Int
    private(set) var count = 0
    private let entries: UnsafeMutablePointer<BigKeyEntry>
    /// Sizes at or below it are not taken: the smallest held once full, else 0.
    private(set) var floor = 0
    private var floorIndex = 0

    /// An empty list of `capacity` entries (at least 1).
    init(capacity: Int) {
        self.capacity = max(capacity, 1)
        entries = .allocate(capacity: self.capacity)
    }

    deinit {
        entries.deinitialize(count: count)
        entries.deallocate()
    }

    /// Forgets every entry (a new window).
    mutating func reset() {
        entries.deinitialize(count: count)
        count = 0
        floor = 0
        floorIndex = 0
    }

    /// Takes `entry` if it is among the largest (call only when `entry.bytes > floor`).
    mutating func offer(_ entry: BigKeyEntry) {
        for index in 0..<count where entries[index].key == entry.key {
            if entry.bytes > entries[index].bytes {
                entries[index] = entry
                if count == capacity { findFloor() }
            }
            return
        }
        if count < capacity {
            (entries + count).initialize(to: entry)
            count &+= 1
            if count == capacity { findFloor() }
        } else {
            entries[floorIndex] = entry
            findFloor()
        }
    }

    /// The entries, in no particular order.
    var all: [BigKeyEntry] { (0..<count).map { entries[$0] } }

    private mutating func findFloor() {
        floorIndex = 0
        for index in 1..<count where entries[index].bytes < entries[floorIndex].bytes { floorIndex = index }
        floor = entries[floorIndex].bytes
    }
}
