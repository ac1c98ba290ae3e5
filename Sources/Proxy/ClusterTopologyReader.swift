import Cluster
import ControlPlane
import NIOConcurrencyHelpers
import RESP
import TLS

/// Reads `CLUSTER NODES` for the topology refresh, on a ``ControlPlane/ControlPlaneThread``
/// (hiredis parses the reply; the I/O blocks there, never on an event loop).
///
/// It keeps its connection between refreshes; when that fails it tries the seeds, then
/// every node of the last topology, in order, until one answers with at least one node.
/// Unchecked: only the control-plane thread touches it, one read after another (but for
/// ``stop()``, which is locked).
final class ClusterTopologyReader: @unchecked Sendable {
    /// Set at shutdown: a read under way asks no further node.
    private let stopped = NIOLockedValueBox(false)
    private let login: ControlPlaneLogin
    private let seeds: [UpstreamEndpoint]
    private let timeout: Duration
    private let tls: ReloadableTLSContext?
    private var connection: (ControlPlaneConnection, host: String)?

    /// A reader that logs in as `endpoint`'s credentials, each connect and reply bounded by
    /// `timeout`; over TLS with `tls` (`rediss+cluster://`).
    init(endpoint: ClusterEndpoint, timeout: Duration, tls: ReloadableTLSContext? = nil) {
        self.tls = tls
        let seed = endpoint.seeds[0]
        self.login = ControlPlaneLogin(username: seed.username, password: seed.password, database: 0)
        self.seeds = endpoint.seeds
        self.timeout = timeout
    }

    /// The cluster's nodes, or why no candidate answered. Run on the control-plane thread.
    func read(known: [NodeAddress]) -> Result<[ClusterNode], ControlPlaneError> {
        if let (open, host) = connection {
            if case .success(let nodes) = Self.nodes(from: open, host: host) { return .success(nodes) }
            open.close()
            connection = nil
        }
        var lastError = ControlPlaneError(.connectionLost, "no cluster node to ask")
        let candidates = seeds.map { NodeAddress(host: $0.host, port: $0.port) } + known
        var tried: Set<NodeAddress> = []
        for candidate in candidates where tried.insert(candidate).inserted {
            // Each candidate may take the whole connect timeout: shutdown does not wait for them all.
            if stopped.withLockedValue({ $0 }) { return .failure(ControlPlaneError(.connectionLost, "shutting down")) }
            do throws(ControlPlaneError) {
                let open = try ControlPlaneConnection.connect(
                    host: candidate.host, port: candidate.port, login: login, timeout: timeout, tls: tls?.context)
                switch Self.nodes(from: open, host: candidate.host) {
                case .success(let nodes):
                    connection = (open, candidate.host)
                    return .success(nodes)
                case .failure(let error):
                    open.close()
                    lastError = ControlPlaneError(error.kind, "\(candidate): \(error.message)")
                }
            } catch {
                lastError = ControlPlaneError(error.kind, "\(candidate): \(error.message)")
            }
        }
        return .failure(lastError)
    }

    /// Makes a read under way stop before its next node (any thread; at shutdown).
    func stop() {
        stopped.withLockedValue { $0 = true }
    }

    /// Drops the connection (at shutdown).
    func close() {
        connection?.0.close()
        connection = nil
    }

    private static func nodes(from connection: ControlPlaneConnection, host: String)
        -> Result<[ClusterNode], ControlPlaneError>
    {
        let reply: RESPValue
        do throws(ControlPlaneError) {
            reply = try connection.command(["CLUSTER", "NODES"])
        } catch {
            return .failure(error)
        }
        guard case .string(let bytes) = reply else {
            if case .error(let message) = reply {
                return .failure(ControlPlaneError(.protocolError, "CLUSTER NODES refused: \(message)"))
            }
            return .failure(ControlPlaneError(.protocolError, "CLUSTER NODES answered with something else than text"))
        }
        let nodes = ClusterNodesParser.parse(String(decoding: bytes, as: UTF8.self), connectedHost: host)
        guard !nodes.isEmpty else { return .failure(ControlPlaneError(.protocolError, "CLUSTER NODES lists no node")) }
        // A node that was reset (or lost its nodes.conf) knows only itself and no slots: its
        // view would close every other node's port, so another node is asked instead.
        guard nodes.contains(where: \.servesSlots) else {
            return .failure(ControlPlaneError(.protocolError, "CLUSTER NODES lists no node serving slots"))
        }
        return .success(nodes)
    }
}
