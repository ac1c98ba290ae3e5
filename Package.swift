// swift-tools-version:6.0
import PackageDescription

/// The data-path modules are built without run-time exclusivity checks: a profile of the
/// proxy under `redis-benchmark -P 16` spent about 8% of its CPU in `swift_beginAccess`
/// and its thread-local bookkeeping (one check per mutation of a class's stored struct).
/// Static exclusivity checking still applies. Cross-module optimisation lets the proxy inline
/// the scanner, command table and shard code it calls per command (-10% CPU per request).
let hotPath: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked", "-cross-module-optimization"])]

let package = Package(
    name: "redis-lens",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "redis-lens", targets: ["redis-lens"]),
        .library(name: "RESP", targets: ["RESP"]),
        .library(name: "Proxy", targets: ["Proxy"]),
        .library(name: "RedisCommands", targets: ["RedisCommands"]),
        .library(name: "Telemetry", targets: ["Telemetry"]),
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
            dependencies: [.product(name: "NIOCore", package: "swift-nio")],
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
        .target(name: "ControlPlane", dependencies: ["CHiredis", "RESP"]),
        .target(
            name: "ServerStats",
            dependencies: [
                "ControlPlane",
                "RESP",
                "Telemetry",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(name: "CEpoll"),
        .target(
            name: "Proxy",
            dependencies: [
                "CEpoll",
                "ControlPlane",
                "RESP",
                "RedisCommands",
                "Telemetry",
                "ServerStats",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
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
        .executableTarget(
            name: "redis-lens",
            dependencies: [
                "ControlPlane",
                "DurationText",
                "Proxy",
                "ServerStats",
                "Telemetry",
                "SpanExport",
                "LokiPush",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
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
        .testTarget(name: "RESPTests", dependencies: ["RESP"]),
        .testTarget(name: "ControlPlaneTests", dependencies: ["ControlPlane", "RESP", "RedisCommands"]),
        .testTarget(name: "ServerStatsTests", dependencies: ["ServerStats", "Telemetry"]),
        .testTarget(
            name: "ProxyTests",
            dependencies: ["Proxy", "RESP", "RedisCommands", .product(name: "NIOCore", package: "swift-nio")]
        ),
        .testTarget(
            name: "TelemetryTests",
            dependencies: [
                "Telemetry", "RESP", "RedisCommands", .product(name: "Logging", package: "swift-log"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        .testTarget(
            name: "ProxyBenchTests",
            dependencies: ["ProxyBenchCore", "DurationText", "RESP", .product(name: "NIOCore", package: "swift-nio")]
        ),
        .testTarget(
            name: "SpanExportTests",
            dependencies: ["SpanExport", "Telemetry", .product(name: "NIOCore", package: "swift-nio")]
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "ControlPlane",
                "Proxy",
                "RESP",
                "RedisCommands",
                "Telemetry",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ]
)
