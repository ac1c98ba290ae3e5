/// When a measured run stops.
public enum StopCondition: Sendable, Equatable {
    /// After this many requests in all (over all connections).
    case requests(Int)
    /// After this many seconds.
    case duration(Double)
}
