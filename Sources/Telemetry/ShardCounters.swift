import RedisCommands

/// One shard's per-command counters in a single allocation, `stride` words per command
/// id, plus latency counts (``LatencyCounts``) and the hit rule per id; copied into a
/// ``ShardSnapshot`` for scrapes.
///
/// Hand-written rather than the snapshot's arrays, which the shard used to update in
/// place: seven arrays per command meant seven uniqueness and bounds checks
/// (`docs/decisions/0004-exposition-without-swift-prometheus.md`). Noncopyable,
/// so the storage has one owner and is freed with it.
struct ShardCounters: ~Copyable {
    // Word offsets within an id's block.
    private static let commands = 0
    private static let durationNanos = 1
    private static let hits = 2
    private static let misses = 3
    private static let slow = 4
    private static let buckets = 5
    private static let errors = buckets + DurationBuckets.count
    /// `RedisErrorPrefix.allCases.count`, as a literal so the offsets fold to constants.
    private static let errorKinds = 27
    private static let requestBytes = errors + errorKinds
    private static let replyBytes = requestBytes + 1
    private static let upstreamNanos = replyBytes + 1
    private static let requestBuckets = upstreamNanos + 1
    private static let replyBuckets = requestBuckets + SizeBuckets.count
    private static let upstreamBuckets = replyBuckets + SizeBuckets.count
    private static let stride = upstreamBuckets + DurationBuckets.count

    private var words: UnsafeMutablePointer<UInt64>
    /// Each id's ``LatencyCounts`` slots, allocated at its first command.
    private var latencies: UnsafeMutablePointer<UnsafeMutablePointer<UInt64>?>
    /// Each id's upstream ``LatencyCounts`` slots, allocated at its first timed command.
    private var upstreamLatencies: UnsafeMutablePointer<UnsafeMutablePointer<UInt64>?>
    /// Each id's hit rule, copied from the command table (read per command).
    private var rules: UnsafeMutablePointer<HitRule>
    /// Ids that have room.
    private(set) var capacity = 0

    /// No ids yet.
    init() {
        assert(Self.errorKinds == RedisErrorPrefix.allCases.count)
        words = .allocate(capacity: 0)
        latencies = .allocate(capacity: 0)
        upstreamLatencies = .allocate(capacity: 0)
        rules = .allocate(capacity: 0)
    }

    deinit {
        words.deallocate()
        for id in 0..<capacity {
            latencies[id]?.deallocate()
            upstreamLatencies[id]?.deallocate()
        }
        latencies.deallocate()
        upstreamLatencies.deallocate()
        rules.deallocate()
    }

    /// Makes room for the ids of `table` (at least `count`), and takes its hit rules.
    mutating func reserve(ids count: Int, table: CommandTable) {
        guard count > capacity else { return }
        let newRules = UnsafeMutablePointer<HitRule>.allocate(capacity: count)
        for id in 0..<count { (newRules + id).initialize(to: id < table.hitRules.count ? table.hitRules[id] : .none) }
        rules.deallocate()
        rules = newRules
        let newWords = UnsafeMutablePointer<UInt64>.allocate(capacity: count * Self.stride)
        newWords.moveInitialize(from: words, count: capacity * Self.stride)
        (newWords + capacity * Self.stride).initialize(repeating: 0, count: (count - capacity) * Self.stride)
        words.deallocate()
        words = newWords
        let newLatencies = UnsafeMutablePointer<UnsafeMutablePointer<UInt64>?>.allocate(capacity: count)
        newLatencies.moveInitialize(from: latencies, count: capacity)
        (newLatencies + capacity).initialize(repeating: nil, count: count - capacity)
        latencies.deallocate()
        latencies = newLatencies
        let newUpstream = UnsafeMutablePointer<UnsafeMutablePointer<UInt64>?>.allocate(capacity: count)
        newUpstream.moveInitialize(from: upstreamLatencies, count: capacity)
        (newUpstream + capacity).initialize(repeating: nil, count: count - capacity)
        upstreamLatencies.deallocate()
        upstreamLatencies = newUpstream
        capacity = count
    }

    /// The hit rule of `id` (below ``capacity``).
    @inline(__always)
    func hitRule(_ id: Int) -> HitRule {
        precondition(id >= 0 && id < capacity)
        return rules[id]
    }

    /// Counts one answered command; `id` must be below ``capacity``.
    @inline(__always)
    mutating func add(
        id: Int, durationNanos: UInt64, error: RedisErrorPrefix?, hits: Int, misses: Int, slow: Bool,
        sizes: (request: Int, reply: Int), upstreamNanos: UInt64
    ) {
        precondition(id >= 0 && id < capacity)
        let block = words + id &* Self.stride
        block[Self.commands] &+= 1
        block[Self.durationNanos] &+= durationNanos
        block[Self.buckets &+ DurationBuckets.index(nanos: durationNanos)] &+= 1
        block[Self.requestBytes] &+= UInt64(truncatingIfNeeded: sizes.request)
        block[Self.requestBuckets &+ SizeBuckets.index(bytes: sizes.request)] &+= 1
        block[Self.replyBytes] &+= UInt64(truncatingIfNeeded: sizes.reply)
        block[Self.replyBuckets &+ SizeBuckets.index(bytes: sizes.reply)] &+= 1
        if upstreamNanos != 0 {
            block[Self.upstreamNanos] &+= upstreamNanos
            block[Self.upstreamBuckets &+ DurationBuckets.index(nanos: upstreamNanos)] &+= 1
            LatencyCounts.record(upstreamNanos / 1_000, in: Self.slots(of: id, in: upstreamLatencies))
        }
        if let error { block[Self.errors &+ Int(error.rawValue)] &+= 1 }
        block[Self.hits] &+= UInt64(hits)
        block[Self.misses] &+= UInt64(misses)
        if slow { block[Self.slow] &+= 1 }
        LatencyCounts.record(durationNanos / 1_000, in: Self.slots(of: id, in: latencies))
    }

    /// `id`'s ``LatencyCounts`` slots in `table`, allocated at its first use.
    @inline(__always)
    private static func slots(
        of id: Int, in table: UnsafeMutablePointer<UnsafeMutablePointer<UInt64>?>
    ) -> UnsafeMutablePointer<UInt64> {
        if let existing = table[id] { return existing }
        let counts = LatencyCounts.allocate()
        table[id] = counts
        return counts
    }

    /// Writes the counters into `snapshot`'s per-id arrays (replacing them).
    func copy(into snapshot: inout ShardSnapshot) {
        func column(_ offset: Int) -> [UInt64] { (0..<capacity).map { words[$0 * Self.stride + offset] } }
        func block(_ offset: Int, _ width: Int) -> [UInt64] {
            var values: [UInt64] = []
            values.reserveCapacity(capacity * width)
            for id in 0..<capacity {
                values.append(contentsOf: UnsafeBufferPointer(start: words + id * Self.stride + offset, count: width))
            }
            return values
        }
        snapshot.commands = column(Self.commands)
        snapshot.durationNanos = column(Self.durationNanos)
        snapshot.hits = column(Self.hits)
        snapshot.misses = column(Self.misses)
        snapshot.slow = column(Self.slow)
        snapshot.buckets = block(Self.buckets, DurationBuckets.count)
        snapshot.errors = block(Self.errors, Self.errorKinds)
        snapshot.requestBytes = column(Self.requestBytes)
        snapshot.replyBytes = column(Self.replyBytes)
        snapshot.upstreamNanos = column(Self.upstreamNanos)
        snapshot.requestBuckets = block(Self.requestBuckets, SizeBuckets.count)
        snapshot.replyBuckets = block(Self.replyBuckets, SizeBuckets.count)
        snapshot.upstreamBuckets = block(Self.upstreamBuckets, DurationBuckets.count)
        snapshot.latencies = (0..<capacity).map { id in latencies[id].map { LatencyCounts.histogram(of: $0) } }
        snapshot.upstreamLatencies = (0..<capacity).map { id in
            upstreamLatencies[id].map { LatencyCounts.histogram(of: $0) }
        }
    }
}
