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
