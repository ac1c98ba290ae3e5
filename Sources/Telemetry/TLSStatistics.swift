import NIOConcurrencyHelpers

/// TLS handshakes and certificates, for both sides: `client` (clients to the proxy's
/// `--tls-listen`) and `upstream` (the proxy to a `rediss://` Redis).
///
/// Handshakes are rare next to commands, so one lock serves; nothing here is on the
/// per-command path.
public final class TLSStatistics: Sendable {
    /// One side's counts, as `/stats` shows them.
    public struct Side: Sendable, Equatable, Codable {
        /// Handshakes by result (`ok` or a failure kind).
        public var handshakes: [String: UInt64] = [:]
        /// Successful handshakes by negotiated protocol (`TLSv1.3`).
        public var protocols: [String: UInt64] = [:]
        /// Successful handshakes by negotiated cipher.
        public var ciphers: [String: UInt64] = [:]
        /// Handshake durations over ``DurationBuckets`` (the last is +Inf).
        public var durationBuckets = [UInt64](repeating: 0, count: DurationBuckets.count)
        /// Sum of handshake durations.
        public var durationNanos: UInt64 = 0
        /// Certificates by subject: `notAfter` in Unix seconds.
        public var certificates: [String: Int64] = [:]

        /// An empty side.
        public init() {}
    }

    /// The two sides, by name.
    public static let sides = ["client", "upstream"]

    /// A pthread lock (NIO's), which ThreadSanitizer sees, unlike `Synchronization.Mutex`.
    private let state = NIOLockedValueBox<[String: Side]>([:])

    /// Empty statistics.
    public init() {}

    /// A handshake on `side` finished after `nanos`, negotiating `protocolVersion` and `cipher`.
    public func succeeded(side: String, nanos: UInt64, protocolVersion: String, cipher: String) {
        state.withLockedValue { sides in
            var entry = sides[side] ?? Side()
            entry.handshakes["ok", default: 0] += 1
            entry.protocols[protocolVersion, default: 0] += 1
            entry.ciphers[cipher, default: 0] += 1
            entry.durationBuckets[DurationBuckets.index(nanos: nanos)] += 1
            entry.durationNanos &+= nanos
            sides[side] = entry
        }
    }

    /// A handshake on `side` failed (or, for `tls_on_plain_port`, never started); `result` is
    /// the failure's kind.
    public func failed(side: String, result: String) {
        state.withLockedValue { sides in sides[side, default: Side()].handshakes[result, default: 0] += 1 }
    }

    /// Records a certificate's expiry; `replacing` drops the side's other certificates of the
    /// same role first (a reloaded or rotated certificate replaces the old one).
    public func certificate(side: String, subject: String, notAfter: Int64, replacing previous: String? = nil) {
        state.withLockedValue { sides in
            if let previous, previous != subject { sides[side, default: Side()].certificates[previous] = nil }
            sides[side, default: Side()].certificates[subject] = notAfter
        }
    }

    /// A copy of both sides.
    public var snapshot: [String: Side] { state.withLockedValue { $0 } }

    /// The TLS metric families; `results` are every result label value (zero samples
    /// included, so rates work from the first failure on).
    public func render(results: [String], into writer: inout PrometheusWriter) {
        let sides = snapshot
        writer.family(
            "redislens_tls_handshakes_total", .counter,
            help: "TLS handshakes by side (client: to --tls-listen; upstream: to Redis) and result.")
        for side in Self.sides {
            let counts = sides[side]?.handshakes ?? [:]
            for result in results {
                writer.sample(
                    "redislens_tls_handshakes_total", [("side", side), ("result", result)], counts[result] ?? 0)
            }
        }
        writer.family(
            "redislens_tls_handshake_duration_seconds", .histogram,
            help: "Duration of successful TLS handshakes, by side.")
        for side in Self.sides {
            let entry = sides[side] ?? Side()
            writer.durationHistogram(
                "redislens_tls_handshake_duration_seconds", [("side", side)], buckets: entry.durationBuckets[...],
                sumNanos: entry.durationNanos)
        }
        writer.family(
            "redislens_tls_cert_expiry_timestamp_seconds", .gauge,
            help: "When a certificate expires (Unix seconds): client side the proxy's own, upstream side Redis's "
                + "(and the proxy's client certificate).")
        for side in Self.sides {
            for (subject, notAfter) in (sides[side]?.certificates ?? [:]).sorted(by: { $0.key < $1.key }) {
                writer.sample(
                    "redislens_tls_cert_expiry_timestamp_seconds", [("side", side), ("subject", subject)],
                    Double(notAfter))
            }
        }
    }
}
