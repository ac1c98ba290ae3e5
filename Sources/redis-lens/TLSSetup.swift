import Logging
import Proxy
import ServiceLifecycle
import TLS
import Telemetry
import UnixSignals

/// The proxy's TLS sides from the settings, their shared statistics, and the service that
/// reloads certificates on SIGHUP.
struct TLSSetup {
    /// Clients to `--tls-listen`; nil when off.
    let client: TLSSide?
    /// The proxy to a `rediss://` Redis; nil when off.
    let upstream: TLSSide?
    /// Both sides' handshakes and certificates; nil when neither side has TLS.
    let statistics: TLSStatistics?

    init(_ settings: Settings, logger: Logger) {
        let statistics = settings.clientTLS != nil || settings.upstreamTLS != nil ? TLSStatistics() : nil
        self.statistics = statistics
        client = settings.clientTLS.map {
            TLSSide(name: "client", context: $0, statistics: statistics!, logger: logger)
        }
        upstream = settings.upstreamTLS.map {
            TLSSide(name: "upstream", context: $0, statistics: statistics!, logger: logger)
        }
        if let upstream = settings.upstreamTLS, !upstream.configuration.verifyPeer {
            logger.warning(
                """
                --upstream-tls-insecure-skip-verify: Redis's certificate is NOT verified; anyone on the network path \
                can impersonate Redis and read every command and password
                """)
        }
    }

    /// Reloads both sides' certificates on each SIGHUP; nil without TLS.
    var reloadService: (any Service)? {
        let sides = [client, upstream].compactMap { $0 }
        return sides.isEmpty ? nil : TLSReloadService(sides: sides)
    }
}

/// Rereads the certificate and key files of every TLS side on SIGHUP, for new handshakes;
/// connections already made keep theirs. A file that fails to load is logged and the side
/// keeps its current certificates.
struct TLSReloadService: Service {
    let sides: [TLSSide]

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        await cancelWhenGracefulShutdown {
            for await _ in signals {
                for side in sides {
                    do throws(TLSConfigurationError) {
                        try side.reload()
                    } catch {
                        Logger(label: "redis-lens.tls").error(
                            "TLS reload failed; the current certificates stay in use",
                            metadata: ["side": "\(side.name)", "reason": "\(error.message)"])
                    }
                }
            }
        }
    }
}
