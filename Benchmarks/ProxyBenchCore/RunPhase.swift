/// One phase of load on a connection: warm-up or measured run.
struct RunPhase: Sendable {
    /// The shared budget.
    let budget: RequestBudget
    /// Open loop: nanoseconds between this connection's batches; nil for closed loop.
    let intervalNanos: UInt64?
    /// Open loop: the intended send time of this connection's first batch.
    let firstIntendedNanos: UInt64
}
