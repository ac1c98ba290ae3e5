// swift-tools-version:6.1
import PackageDescription

// Micro-benchmarks of redis-lens's hot path (ordo-one/benchmark), kept out of the root
// package so that the main build and CI stay lean. Run: `swift package benchmark`.
//
// The root package ships executables only (no library product is built with unsafe
// flags), so the modules measured here are built from the root's own sources, linked
// under `Sources/`, with the flags the root builds them with
// (docs/decisions/0005-build-flags.md).
let hotPath: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked", "-cross-module-optimization"])]

let package = Package(
    name: "redis-lens-micro",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/ordo-one/benchmark", exact: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
    ],
    targets: [
        .target(name: "RESP", path: "Sources/RESP", swiftSettings: hotPath),
        .target(name: "RedisCommands", dependencies: ["RESP"], path: "Sources/RedisCommands", swiftSettings: hotPath),
        .target(
            name: "Telemetry",
            dependencies: [
                "RESP",
                "RedisCommands",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/Telemetry",
            swiftSettings: hotPath
        ),
        .executableTarget(
            name: "HotPath",
            dependencies: [
                "RESP",
                "RedisCommands",
                "Telemetry",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/HotPath",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
