import RESP

/// One key's counts in a hot-key window (a Space-Saving counter, or several merged).
public struct HotKeyCounter: Sendable, Equatable {
    /// The key (first bytes, full length, hash of the rest).
    public var key: ByteHead
    /// Commands counted for the key: an overestimate by at most ``error``.
    public var count: UInt64
    /// Space-Saving's overestimate bound: `count - error <= true count <= count`.
    public var error: UInt64
    /// Read commands (category `read`) since the key got its counter.
    public var reads: UInt64
    /// Write and delete commands (categories `write`, `delete`) since then.
    public var writes: UInt64
    /// Cache hits since then.
    public var hits: UInt64
    /// Cache misses since then.
    public var misses: UInt64

    /// A counter with these values.
    public init(
        key: ByteHead, count: UInt64, error: UInt64 = 0, reads: UInt64 = 0, writes: UInt64 = 0, hits: UInt64 = 0,
        misses: UInt64 = 0
    ) {
        self.key = key
        self.count = count
        self.error = error
        self.reads = reads
        self.writes = writes
        self.hits = hits
        self.misses = misses
    }
}
