/// What telemetry records beyond per-command counts.
public struct TelemetryConfiguration: Sendable {
    /// Commands at least this slow count as slow (default 100 ms).
    public var slowThresholdNanos: UInt64 = 100_000_000
    /// Entries the slow log keeps (default 128).
    public var slowLogSize = 128
    /// Key-prefix metrics; nil (the default) turns them off.
    public var keyPrefixes: KeyPrefixConfiguration?
    /// What the `client` label of the per-command families shows (default: the name).
    public var clientLabel = ClientLabelMode.name
    /// Distinct `client` label values at most (default 50); later ones are `other`.
    public var maxClientsLabelled = 50
    /// Hot keys (off by default) and the largest requests and replies by key (always on).
    public var keyWindows = KeyWindowConfiguration()

    /// The defaults.
    public init() {}
}

/// How keys are grouped into prefixes: `user:42:profile` with delimiter `:` and depth 1
/// is `user`, depth 2 `user:42`. Keys with fewer delimiters than the depth count under
/// the prefix `(none)`; prefixes past `maxPrefixes` under `other`.
public struct KeyPrefixConfiguration: Sendable {
    /// The byte that separates key segments (default `:`).
    public var delimiter: UInt8 = UInt8(ascii: ":")
    /// Segments that form a prefix (default 1).
    public var depth = 1
    /// Distinct prefixes tracked at most (default 100); the rest are `other`.
    public var maxPrefixes = 100

    /// The defaults.
    public init() {}
}

/// What a connection's `client` label shows (`--client-label`). Connections without
/// one carry no `client` label.
public enum ClientLabelMode: String, Sendable, CaseIterable {
    /// The name from `CLIENT SETNAME` or `HELLO ... SETNAME`.
    case name
    /// The library from `CLIENT SETINFO LIB-NAME` (without its version).
    case lib
    /// No `client` label.
    case none
}

/// Hot keys and big keys: how many, over which window (`docs/decisions/0008-hot-keys.md`).
public struct KeyWindowConfiguration: Sendable {
    /// Whether hot keys are counted (`--hotkeys`, default off).
    public var hotKeys = false
    /// Hot keys reported, and big requests and replies kept, per window (default 100).
    public var topK = 100
    /// The tumbling window, in nanoseconds (default 60 s).
    public var windowNanos: UInt64 = 60_000_000_000
    /// Hot keys exported as `redislens_hotkey_commands` (default 0: none).
    public var metricsTopN = 0
    /// Space-Saving counters kept per reported key: more counters, a smaller error bound
    /// (`N / (topK * countersPerK)` per shard window) for a little memory.
    public static let countersPerK = 4

    /// The defaults.
    public init() {}
}
