/// How the span observer builds and samples spans.
public struct SpanConfiguration: Sendable {
    /// Share of ordinary commands kept (default 0.01).
    public var sampleRatio = 0.01
    /// Whether commands at least ``slowThresholdNanos`` slow are always kept (default on).
    public var keepSlow = true
    /// What `db.query.text` shows (default ``QueryTextMode/sanitized``).
    public var queryText = QueryTextMode.sanitized
    /// Commands at least this slow are slow (the metrics' `--slow-threshold`).
    public var slowThresholdNanos: UInt64 = 100_000_000
    /// The upstream's host, for `server.address` and `network.peer.address`.
    public var serverAddress = "127.0.0.1"
    /// The upstream's port.
    public var serverPort = 6379
    /// The database every connection starts in (the upstream URL's).
    public var initialDatabase = 0
    /// Commands of one `MULTI` kept as child spans at most; later ones are only counted.
    public var maxTransactionCommands = 1024
    /// Maps monotonic nanoseconds to Unix nanoseconds.
    public var clock = ClockAnchor(unixNanos: 0, monotonicNanos: 0)

    /// The defaults.
    public init() {}
}

/// What `db.query.text` shows. Secrets are redacted in every mode.
public enum QueryTextMode: String, Sendable, CaseIterable {
    /// No `db.query.text`.
    case none
    /// The command, its first key if its first argument is a key, `?` for every other argument.
    case sanitized
    /// Every argument the proxy keeps: the command and its first argument (up to 32 bytes,
    /// `…` when cut); later arguments are not kept by the scanner and show as `?`.
    case full
}

/// One reading of the wall clock and the monotonic clock taken together, so monotonic
/// times (which durations use) convert to Unix time by adding the offset.
public struct ClockAnchor: Sendable {
    /// Unix time in nanoseconds at the reading.
    public var unixNanos: UInt64
    /// Monotonic time in nanoseconds at the same reading.
    public var monotonicNanos: UInt64

    /// Creates an anchor from a pair of readings.
    public init(unixNanos: UInt64, monotonicNanos: UInt64) {
        self.unixNanos = unixNanos
        self.monotonicNanos = monotonicNanos
    }

    /// The Unix time of monotonic time `nanos`.
    @inline(__always)
    public func unix(_ nanos: UInt64) -> UInt64 {
        nanos >= monotonicNanos ? unixNanos &+ (nanos &- monotonicNanos) : unixNanos &- (monotonicNanos &- nanos)
    }
}

/// Where kept spans go: the exporter's bounded queue. Called on event loops; must never
/// block (a full queue drops and counts).
public protocol SpanSink: Sendable {
    /// Takes one span.
    func submit(_ span: SpanRecord)
    /// Takes the spans of one transaction (a parent and its children) together.
    func submit(_ spans: [SpanRecord])
    /// Whether the sink is full now, so a span submitted would be dropped: the observer
    /// then builds nothing and calls ``droppedUnbuilt(_:)`` instead.
    var isFull: Bool { get }
    /// Counts spans dropped without being built because the sink was full.
    func droppedUnbuilt(_ count: Int)
}
