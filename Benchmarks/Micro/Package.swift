// swift-tools-version:6.1
import PackageDescription

// Micro-benchmarks of redis-lens's hot path (ordo-one/benchmark), kept out of the root
// package so that the main build and CI stay lean. Run: `swift package benchmark`.

// A path dependency is named by its folder, which differs between checkouts (`redis-lens`,
// a CI clone, a worktree), so the root package's identity is read from the path.
let root = String(Context.packageDirectory.split(separator: "/").dropLast(2).last ?? "redis-lens")

let package = Package(
    name: "redis-lens-micro",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: "../.."),
        .package(url: "https://github.com/ordo-one/benchmark", exact: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .executableTarget(
            name: "HotPath",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "RESP", package: root),
                .product(name: "RedisCommands", package: root),
                .product(name: "Telemetry", package: root),
            ],
            path: "Benchmarks/HotPath",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    ]
)
