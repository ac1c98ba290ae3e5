import Testing

@testable import ProxyBenchCore

@Suite struct OptionParsingTests {
    private func options(_ arguments: [String], environment: [String: String] = [:]) throws -> BenchOptions {
        try BenchCommand.parse(arguments).options(environment: environment)
    }

    private func usageError(_ arguments: [String], environment: [String: String] = [:]) -> String? {
        do {
            _ = try options(arguments, environment: environment)
            return nil
        } catch let error as BenchUsageError {
            return error.message
        } catch {
            return "unexpected \(error)"
        }
    }

    @Test func defaults() throws {
        let parsed = try options([])
        #expect(parsed == BenchOptions())
        #expect(parsed.targets == [BenchTarget(name: "redis", host: "127.0.0.1", port: 6379)])
        #expect(parsed.stop == .requests(100_000))
        #expect(parsed.connections == 50 && parsed.pipeline == 1 && parsed.workload == .get)
    }

    @Test func everyOption() throws {
        let parsed = try options([
            "--target", "direct=127.0.0.1:6379", "--target", "lens=localhost:6380", "--target", "[::1]:7000",
            "--connections", "8", "--pipeline", "16", "--duration", "1.5s", "--workload", "hset/hget",
            "--read-ratio", "0.25", "--keyspace", "500", "--value-size", "10-20", "--mget-keys", "3",
            "--hit-ratio", "0.4", "--rate", "25000", "--warmup", "500ms", "--repeat", "5", "--threads", "2",
            "--seed", "42", "--connect-timeout", "2", "--json",
        ])
        #expect(
            parsed.targets == [
                BenchTarget(name: "direct", host: "127.0.0.1", port: 6379),
                BenchTarget(name: "lens", host: "localhost", port: 6380),
                BenchTarget(name: "[::1]:7000", host: "::1", port: 7000),
            ])
        #expect(parsed.connections == 8 && parsed.pipeline == 16)
        #expect(parsed.stop == .duration(1.5))
        #expect(parsed.workload == .hsetHget && parsed.readRatio == 0.25)
        #expect(parsed.keyspace == 500 && parsed.valueSize == ValueSize(min: 10, max: 20) && parsed.mgetKeys == 3)
        #expect(parsed.hitRatio == 0.4 && parsed.rate == 25_000 && parsed.warmup == 0.5)
        #expect(parsed.repeats == 5 && parsed.threads == 2 && parsed.seed == 42 && parsed.connectTimeout == 2)
        #expect(parsed.json)
    }

    @Test func environmentFallbackAndFlagPrecedence() throws {
        let environment = ["REDIS_PROXY_BENCH_PIPELINE": "32", "REDIS_PROXY_BENCH_WORKLOAD": "incr"]
        let fromEnvironment = try options([], environment: environment)
        #expect(fromEnvironment.pipeline == 32 && fromEnvironment.workload == .incr)
        #expect(try options(["--pipeline", "4"], environment: environment).pipeline == 4)
        #expect(
            usageError([], environment: ["REDIS_PROXY_BENCH_CONNECTIONS": "none"])
                == "invalid REDIS_PROXY_BENCH_CONNECTIONS: 'none' is not a whole number in 1...10000")
    }

    @Test func targetForms() throws {
        #expect(try BenchTarget(parsing: "6380") == BenchTarget(name: "6380", host: "127.0.0.1", port: 6380))
        #expect(try BenchTarget(parsing: "a=6380") == BenchTarget(name: "a", host: "127.0.0.1", port: 6380))
        #expect(try BenchTarget(parsing: "v6=[::1]:1").address == "[::1]:1")
        #expect(try BenchTarget(parsing: "b=host:9").address == "host:9")
    }

    @Test(arguments: [
        (["--pipeline", "0"], "invalid --pipeline: '0' is not a whole number in 1...10000"),
        (["--connections=-3"], "invalid --connections: '-3' is not a whole number in 1...10000"),
        (["--requests", "1e5"], "invalid --requests: '1e5' is not a whole number in 1...1000000000000"),
        (["--requests", "10", "--duration", "1s"], "--requests and --duration exclude each other; give one"),
        (["--duration", "0"], "invalid --duration: '0' is not a duration greater than 0"),
        (
            ["--duration", "soon"],
            "invalid --duration: 'soon' is not a duration (500ms, 10s, 2m, or seconds; at most 1 day)"
        ),
        (
            ["--workload", "scan"],
            "invalid --workload: 'scan' is not a workload (get, set, mixed, incr, lpush-lpop, hset-hget, mget)"
        ),
        (["--read-ratio", "0.5"], "--read-ratio applies to the mixed and hset-hget workloads only"),
        (["--workload", "mixed", "--read-ratio", "1.5"], "invalid --read-ratio: '1.5' is not a fraction in 0...1"),
        (
            ["--value-size", "20-10"],
            "invalid --value-size: '20-10' is not a size in bytes N or MIN-MAX (0...67108864, MIN <= MAX)"
        ),
        (
            ["--workload", "incr", "--hit-ratio", "0.5"],
            "--hit-ratio applies to the get, mixed, mget and hset-hget workloads only"
        ),
        (
            ["--keyspace", "3", "--hit-ratio", "0.5"],
            "invalid --hit-ratio: 0.5 cannot be set up with --keyspace 3 (closest: 0.6666666666666666); "
                + "use a larger keyspace"
        ),
        (["--rate", "0"], "invalid --rate: '0' is not a rate in requests per second (greater than 0)"),
        (["--target", "x=host"], "invalid --target: 'x=host' is not NAME=HOST:PORT with a port in 1...65535"),
        (["--target", "=1"], "invalid --target: '=1' has an empty name before '='"),
        (["--target", "a=1", "--target", "a=2"], "invalid --target: the name 'a' is given twice"),
        (["--repeat", "0"], "invalid --repeat: '0' is not a whole number in 1...1000"),
    ])
    func badValues(arguments: [String], message: String) {
        #expect(usageError(arguments) == message)
    }
}
