import AdminHTTP
import ServerStats

extension AdminServer {
    /// The health routes: `/healthz` always 200; `/readyz` 200, or 503 while the pool
    /// cannot reach the upstream or the last INFO poll (if polling) failed (except when the
    /// ACL only denies INFO: see ``InfoPollError/meansNotReady``).
    public static func healthRoutes(pool: UpstreamPool, serverStats: ServerStatsState? = nil) -> [Route] {
        [
            { head in
                head.path == "/healthz" ? AdminResponse(status: .ok, body: "ok\n") : nil
            },
            { head in
                guard head.path == "/readyz" else { return nil }
                guard pool.isUpstreamUp else {
                    let reason = pool.lastError ?? "no upstream connection yet"
                    return AdminResponse(status: .serviceUnavailable, body: "upstream unavailable: \(reason)\n")
                }
                if let error = serverStats?.snapshot.lastError, error.meansNotReady {
                    return AdminResponse(status: .serviceUnavailable, body: "INFO poll failed: \(error.message)\n")
                }
                return AdminResponse(status: .ok, body: "ready\n")
            },
        ]
    }
}
