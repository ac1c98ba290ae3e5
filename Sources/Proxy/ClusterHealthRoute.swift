import AdminHTTP

extension AdminServer {
    /// `/readyz` of a cluster frontend (put before ``healthRoutes(pool:serverStats:)``,
    /// whose `/readyz` only knows the first seed): 200 once the topology was read and a node
    /// is reachable, else 503 with the reason.
    public static func clusterReadiness(_ frontend: ClusterFrontend) -> Route {
        { head in
            guard head.path == "/readyz" else { return nil }
            if let reason = frontend.notReadyReason {
                return AdminResponse(status: .serviceUnavailable, body: "\(reason)\n")
            }
            return AdminResponse(status: .ok, body: "ready\n")
        }
    }
}
