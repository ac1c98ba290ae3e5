/// Upper bounds the scanner enforces on what a peer sends.
///
/// Defaults for requests equal Redis's own: `proto-max-bulk-len` (512 MiB), a multibulk
/// length of at most `INT_MAX`, and 64 KiB inline lines (`PROTO_INLINE_MAX_SIZE`).
public struct RESPLimits: Sendable, Hashable {
    /// Longest bulk string payload, in bytes.
    public var maxBulkLength: Int
    /// Most elements in one aggregate (a map of N pairs counts 2N).
    public var maxAggregateLength: Int
    /// Deepest nesting of aggregates; 1 allows a flat array only.
    public var maxDepth: Int
    /// Longest inline command line, in bytes.
    public var maxInlineLength: Int

    /// Creates limits; every value must be positive.
    public init(maxBulkLength: Int, maxAggregateLength: Int, maxDepth: Int, maxInlineLength: Int) {
        precondition(maxBulkLength > 0 && maxAggregateLength > 0 && maxDepth > 0 && maxInlineLength > 0)
        self.maxBulkLength = maxBulkLength
        self.maxAggregateLength = maxAggregateLength
        self.maxDepth = maxDepth
        self.maxInlineLength = maxInlineLength
    }

    /// Redis's limits for what a client may send.
    public static let requestDefaults = RESPLimits(
        maxBulkLength: 512 * 1024 * 1024,
        maxAggregateLength: Int(Int32.max),
        maxDepth: 1,
        maxInlineLength: 64 * 1024
    )

    /// Limits for replies. Replies are streamed, never buffered; nesting costs 24 bytes a
    /// level while open, and Redis itself nests script replies thousands deep, so the
    /// depth bound only stops a runaway upstream; lengths are bounded by sanity.
    public static let replyDefaults = RESPLimits(
        maxBulkLength: 1 << 40,
        maxAggregateLength: 1 << 40,
        maxDepth: 1 << 16,
        maxInlineLength: 64 * 1024
    )
}
