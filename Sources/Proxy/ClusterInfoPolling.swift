import ControlPlane
import TLS

/// How each cluster node's `INFO` is polled (one ``ServerStats/InfoPoller`` per node, all on
/// one control-plane thread); the metrics carry a `node` label.
public struct ClusterInfoPolling: Sendable {
    /// The thread the polls run on.
    public var controlPlane: ControlPlaneThread
    /// Seconds between polls of one node (`--info-interval`).
    public var intervalSeconds: Double
    /// TLS to the nodes, when on.
    public var tls: ReloadableTLSContext?

    /// Creates the settings.
    public init(controlPlane: ControlPlaneThread, intervalSeconds: Double, tls: ReloadableTLSContext? = nil) {
        self.controlPlane = controlPlane
        self.intervalSeconds = intervalSeconds
        self.tls = tls
    }
}
