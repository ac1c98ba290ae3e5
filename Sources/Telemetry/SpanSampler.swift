/// Decides, after the reply, whether a command's span is kept: always for errors and
/// (with keep-slow) slow commands, otherwise iff the trace id's low 64 bits fall below
/// `ratio × 2⁶⁴`. Deterministic by trace id, so the kept share of ordinary commands is
/// the ratio (as OpenTelemetry's TraceIdRatioBased sampler does).
public struct SpanSampler: Sendable {
    /// The share of ordinary commands kept, 0...1.
    public let ratio: Double
    /// Whether slow commands are always kept.
    public let keepSlow: Bool
    private let threshold: UInt64
    private let keepAll: Bool

    /// Creates a sampler keeping `ratio` of ordinary commands.
    public init(ratio: Double, keepSlow: Bool) {
        self.ratio = ratio
        self.keepSlow = keepSlow
        let scaled = ratio * 18_446_744_073_709_551_616.0
        self.keepAll = ratio >= 1 || scaled >= 18_446_744_073_709_551_616.0
        self.threshold = keepAll || ratio <= 0 ? 0 : UInt64(scaled)
    }

    /// Whether a trace whose id's low bits are `traceIDLow` is kept by the ratio alone.
    @inline(__always)
    public func sampled(traceIDLow: UInt64) -> Bool {
        keepAll || traceIDLow < threshold
    }

    /// Whether to keep a span: errors always, slow ones with keep-slow, else by ratio.
    @inline(__always)
    public func keep(traceIDLow: UInt64, isError: Bool, isSlow: Bool) -> Bool {
        isError || (keepSlow && isSlow) || sampled(traceIDLow: traceIDLow)
    }
}
