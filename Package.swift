// swift-tools-version:6.0
import PackageDescription

/// The data-path modules are built without run-time exclusivity checks (static checking
/// still applies) and with cross-module optimisation, so the relay inlines the scanner,
/// command table and shard code it calls per command. Why and what it measured:
/// `docs/decisions/0005-build-flags.md`. No library product is built with these flags: the
/// package ships executables only.
///
/// The layers, lowest first (a module imports only modules above it in this list):
/// - `RESP`: frame scanning, no I/O.
/// - `RedisCommands`: the command table, classification and `CommandEventSink`.
/// - `Telemetry`: metrics shards, spans, exposition (fed command events).
/// - `COpenSSL`, `TLS`: OpenSSL contexts and non-blocking sessions, certificates, failure reasons.
/// - `Cluster`: the proxy-address table of a Redis Cluster and the rewriting of topology
///   replies and redirections to it (pure; no I/O).
/// - `CEpoll`, `EpollIO`: the event loop threads and non-blocking sockets (plaintext or TLS).
/// - `Relay`: sessions, the upstream handshake, the pool's and the reply pairing's state:
///   fed bytes and events, returning actions; knows nothing of `epoll` or sockets.
/// - `CHiredis`, `ControlPlane`, `ServerStats`: the proxy's own traffic to Redis (`INFO`,
///   `COMMAND`) on one thread: its socket, hiredis's parser.
/// - `AdminHTTP`: the admin HTTP server and the live page it serves at `/`.
/// - `LiveView`: what the live page and `redis-lens top` show, read from the admin JSON
///   documents (rates, formats, the text screen; pure, Foundation only).
/// - `Proxy`: the handlers that perform the relay's actions on `EpollIO` sockets, and the
///   wiring (server, pool, telemetry runtime, routes).
/// - `redis-lens`: the command line.
///
/// Linux only: the data path is built on `epoll`, `eventfd` and `accept4` (`CEpoll`), and the
/// control plane on Debian's `libhiredis-dev`. The macOS platform entry only sets the
/// minimum that lets tools resolve the package there.
let hotPath: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked", "-cross-module-optimization"])]

let package = Package(
    name: "redis-lens",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "redis-lens", targets: ["redis-lens"]),
        .executable(name: "redis-proxy-bench", targets: ["redis-proxy-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        .target(
            name: "RESP",
            swiftSettings: hotPath
        ),
        .target(
            name: "RedisCommands",
            dependencies: ["RESP"],
            swiftSettings: hotPath
        ),
        .target(
            name: "Telemetry",
            dependencies: [
                "RESP",
                "RedisCommands",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: hotPath
        ),
        .systemLibrary(
            name: "CHiredis",
            providers: [.apt(["libhiredis-dev"])]
        ),
        // The proxy's own traffic to Redis (INFO, COMMAND): its socket, hiredis's parser, one thread.
        .target(
            name: "ControlPlane",
            dependencies: [
                "CHiredis", "RESP", "TLS", .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .target(
            name: "ServerStats",
            dependencies: [
                "ControlPlane",
                "TLS",
                "RESP",
                "Telemetry",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // OpenSSL 3 from Debian (what redis-server links): TLS on both sides of the data path and
        // for the control plane (`docs/decisions/0006-tls-with-openssl.md`).
        .systemLibrary(
            name: "COpenSSL",
            providers: [.apt(["libssl-dev"])]
        ),
        .target(
            name: "TLS",
            dependencies: ["COpenSSL", .product(name: "NIOConcurrencyHelpers", package: "swift-nio")],
            swiftSettings: hotPath
        ),
        .target(
            name: "Cluster",
            dependencies: ["RESP", .product(name: "NIOConcurrencyHelpers", package: "swift-nio")]
        ),
        .target(name: "CEpoll"),
        .target(
            name: "EpollIO",
            dependencies: [
                "CEpoll",
                "TLS",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: hotPath
        ),
        .target(
            name: "Relay",
            dependencies: ["RESP", "RedisCommands", "Cluster"],
            swiftSettings: hotPath
        ),
        .target(
            name: "AdminHTTP",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "Proxy",
            dependencies: [
                "CEpoll",
                "Cluster",
                "EpollIO",
                "TLS",
                "Relay",
                "AdminHTTP",
                "ControlPlane",
                "RESP",
                "RedisCommands",
                "Telemetry",
                "ServerStats",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: hotPath
        ),
        .target(
            name: "SpanExport",
            dependencies: [
                "Telemetry",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "LokiPush",
            dependencies: [
                "Telemetry",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(name: "DurationText"),
        .target(name: "LiveView"),
        .executableTarget(
            name: "redis-lens",
            dependencies: [
                "ControlPlane",
                "DurationText",
                "AdminHTTP",
                "LiveView",
                "EpollIO",
                "Proxy",
                "ServerStats",
                "Telemetry",
                "SpanExport",
                "LokiPush",
                "TLS",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "ProxyBenchCore",
            dependencies: [
                "DurationText",
                "RESP",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/ProxyBenchCore"
        ),
        .executableTarget(
            name: "redis-proxy-bench",
            dependencies: ["ProxyBenchCore"],
            path: "Benchmarks/redis-proxy-bench"
        ),
        // One test target per module (Proxy's run the proxy against a real redis-server).
        .testTarget(name: "RESPTests", dependencies: ["RESP", "TestSupport"]),
        // Helpers the test targets share: requests and frames built from wire text, the seeded
        // generator, the recording event sink, a throwaway redis-server and free ports.
        .target(
            name: "TestSupport",
            dependencies: [
                "RESP", "RedisCommands", .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            path: "Tests/TestSupport"
        ),
        .testTarget(name: "RedisCommandsTests", dependencies: ["RedisCommands", "RESP", "TestSupport"]),
        .testTarget(name: "ControlPlaneTests", dependencies: ["ControlPlane", "RESP", "RedisCommands", "TestSupport"]),
        .testTarget(
            name: "TelemetryTests",
            dependencies: [
                "Telemetry", "RESP", "RedisCommands", "TestSupport", .product(name: "Logging", package: "swift-log"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        .testTarget(
            name: "EpollIOTests",
            dependencies: [
                "CEpoll", "EpollIO", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "RelayTests", dependencies: ["Relay", "RESP", "RedisCommands", "Cluster", "TestSupport"]),
        .testTarget(name: "TLSTests", dependencies: ["TLS", "TestSupport"]),
        .testTarget(name: "ClusterTests", dependencies: ["Cluster", "RESP"]),
        .testTarget(name: "ServerStatsTests", dependencies: ["ServerStats", "Telemetry", "TestSupport"]),
        .testTarget(
            name: "SpanExportTests",
            dependencies: ["SpanExport", "Telemetry"]
        ),
        .testTarget(
            name: "AdminHTTPTests",
            dependencies: [
                "AdminHTTP",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "LokiPushTests",
            dependencies: [
                "LokiPush",
                "TestSupport",
                "Telemetry",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(name: "DurationTextTests", dependencies: ["DurationText"]),
        .testTarget(name: "LiveViewTests", dependencies: ["LiveView"]),
        .testTarget(
            name: "ProxyTests",
            dependencies: [
                "Cluster",
                "ControlPlane",
                "Proxy",
                "EpollIO",
                "RESP",
                "Relay",
                "RedisCommands",
                "Telemetry",
                "TestSupport",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "ProxyBenchTests",
            dependencies: ["ProxyBenchCore", "RESP", .product(name: "NIOCore", package: "swift-nio")]
        ),
    ]
)
