import TestSupport

/// What the integration tests do with a ``RedisServer``: from async code, starting it on a
/// thread of its own (so the cooperative pool stays free for the proxy) and talking to it
/// through ``RawConnection``.
extension RedisServer {
    /// Runs `body` with a fresh server that is killed afterwards, whatever happens.
    static func with<T>(_ arguments: [String] = [], _ body: (RedisServer) async throws -> T) async throws -> T {
        let server = try await offload { try RedisServer.start(arguments) }
        defer { server.kill() }
        return try await body(server)
    }

    /// Starts the server again on the same port (after ``kill()``), as ``launch()`` does.
    func launch() async throws {
        try await offload { try self.launch() }
    }

    /// Sends one command on a fresh direct connection and returns its reply.
    func call(_ request: [UInt8], timeout: Duration = .seconds(10)) async throws -> [UInt8] {
        let connection = try await RawConnection.connect(port: port)
        defer { connection.close() }
        return try await connection.request(request, timeout: timeout)
    }

    /// A field of `INFO` (e.g. `blocked_clients`).
    func info(_ field: String) async throws -> String? {
        let text = bulkText(try await call(Frames.command(["INFO", "everything"])))
        for line in text.split(separator: "\r\n") where line.hasPrefix(field + ":") {
            return String(line.dropFirst(field.count + 1))
        }
        return nil
    }

    /// Waits until `count` clients are blocked (for example in BLPOP).
    func waitForBlockedClients(_ count: Int) async throws {
        try await waitUntil("\(count) blocked clients on redis-server") {
            try await self.info("blocked_clients") == "\(count)"
        }
    }
}
