import ControlPlane
import EpollIO
import Logging
import Proxy
import RedisCommands
import Telemetry
import TestSupport
import Testing

extension Integration {
    /// The `COMMAND` load over the control plane, against a real server: the table comes
    /// from the server, and when it cannot, the built-in table stays and one log line says why.
    @Suite struct CommandCatalog {
        @Test func theTableComesFromTheServer() async throws {
            try await RedisServer.with { redis in
                let log = try await load(from: UpstreamEndpoint(host: "127.0.0.1", port: redis.port))
                #expect(log.table !== CommandTable.builtin)
                #expect(log.table.commands.count > CommandTable.builtin.commands.count / 2)
                let entry = try #require(log.entries.first)
                #expect(entry.level == .info && entry.message == "command table loaded from upstream")
                #expect(Int(entry.metadata["commands"] ?? "") ?? 0 > 200)
            }
        }

        @Test func anACLUserWithoutCommandKeepsTheBuiltinTable() async throws {
            try await RedisServer.with { redis in
                let created = try await redis.call(
                    Frames.command(["ACL", "SETUSER", "lens", "on", ">\(Self.password)", "~*", "+@all", "-command"]))
                #expect(created == Array("+OK\r\n".utf8))
                let endpoint = UpstreamEndpoint(
                    host: "127.0.0.1", port: redis.port, username: "lens", password: Self.password)
                let log = try await load(from: endpoint)
                #expect(log.table === CommandTable.builtin)
                #expect(log.warning?.hasPrefix("COMMAND refused: NOPERM") == true, "\(log.entries)")
                #expect(!log.text.contains(Self.password))
            }
        }

        @Test func aWrongPasswordKeepsTheBuiltinTable() async throws {
            try await RedisServer.with { redis in
                let set = try await redis.call(Frames.command(["CONFIG", "SET", "requirepass", Self.password]))
                #expect(set == Array("+OK\r\n".utf8))
                let endpoint = UpstreamEndpoint(host: "127.0.0.1", port: redis.port, password: "not-" + Self.password)
                let log = try await load(from: endpoint)
                #expect(log.table === CommandTable.builtin)
                #expect(log.warning?.hasPrefix("AUTH failed: WRONGPASS") == true, "\(log.entries)")
                #expect(!log.text.contains(Self.password))
            }
        }

        @Test func anUnreachableServerKeepsTheBuiltinTable() async throws {
            let port = try freePort()
            let log = try await load(from: UpstreamEndpoint(host: "127.0.0.1", port: port))
            #expect(log.table === CommandTable.builtin)
            #expect(log.warning == "connect refused 127.0.0.1:\(port)")
        }

        static let password = "catalog-s3cret"

        /// Loads once into a fresh telemetry runtime and returns its table and log.
        private func load(from endpoint: UpstreamEndpoint) async throws -> LoadOutcome {
            let record = LogRecord()
            let logger = record.logger(label: "catalog-test")
            let loops = try EpollLoopGroup(threads: 1)
            let controlPlane = try ControlPlaneThread()
            do {
                let runtime = try await TelemetryRuntime(
                    hub: TelemetryHub(configuration: TelemetryConfiguration(), logger: logger), group: loops,
                    logger: logger)
                await runtime.loadCommands(from: endpoint, controlPlane: controlPlane)
                await controlPlane.shutdown()
                try await loops.shutdownGracefully()
                return LoadOutcome(table: runtime.hub.commandTable, entries: record.all)
            } catch {
                await controlPlane.shutdown()
                try? await loops.shutdownGracefully()
                throw error
            }
        }
    }
}

private struct LoadOutcome {
    var table: CommandTable
    var entries: [LogEntry]

    /// The reason of the "using the built-in command table" warning, if that was logged.
    var warning: String? {
        entries.first { $0.level == .warning && $0.message == "using the built-in command table" }?
            .metadata["reason"]
    }

    /// Everything logged, as text.
    var text: String { "\(entries)" }
}
