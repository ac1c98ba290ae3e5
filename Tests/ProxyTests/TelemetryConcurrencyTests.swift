import Telemetry
import TestSupport
import Testing

extension Integration {
    /// Many clients on every event loop while `/metrics` is scraped: the merged counts
    /// never go down and end exactly at what the clients sent. Every command is "slow"
    /// and key prefixes are on, so the state the loops share (slow log, prefix admission)
    /// is used from all loops at once. CI runs this under ThreadSanitizer
    /// (`--filter TelemetryConcurrency`).
    @Suite struct TelemetryConcurrency {
        static let clients = 100
        static let rounds = 5
        /// `SET` + `GET` pairs per pipelined round.
        static let pairs = 10
        /// Prefixes get their own series; keys are `tc:<client>:<pair>`, 100 prefixes at depth 2.
        static let maxPrefixes = 50

        static var telemetry: TelemetryConfiguration {
            var configuration = TelemetryConfiguration()
            configuration.slowThresholdNanos = 0
            configuration.slowLogSize = 64
            var prefixes = KeyPrefixConfiguration()
            prefixes.depth = 2
            prefixes.maxPrefixes = maxPrefixes
            configuration.keyPrefixes = prefixes
            return configuration
        }

        @Test func scrapedCommandCountsAreMonotonicAndExact() async throws {
            try await RedisServer.with { redis in
                try await ProxyHarness.with(upstreamPort: redis.port, telemetry: Self.telemetry) { proxy in
                    var history = try await withThrowingTaskGroup(of: [[String: UInt64]].self) { group in
                        group.addTask { await Self.scrapeUntilCancelled(proxy) }
                        try await Self.runClients(proxy)
                        group.cancelAll()
                        return try await group.next() ?? []
                    }
                    history.append(Self.counters(in: await proxy.scrape()))

                    for (previous, next) in zip(history, history.dropFirst()) {
                        for (series, value) in previous {
                            #expect(next[series, default: 0] >= value, "\(series) went from \(value) down")
                        }
                    }
                    let sent = UInt64(Self.clients * Self.rounds * Self.pairs)
                    let final = history.last ?? [:]
                    #expect(final[#"redislens_commands_total{command="get",category="read"}"#] == sent)
                    #expect(final[#"redislens_commands_total{command="set",category="write"}"#] == sent)
                    let commandSeries = final.filter { $0.key.hasPrefix("redislens_commands_total{") }
                    #expect(commandSeries.count == 2, "\(commandSeries)")
                    #expect(final[#"redislens_cache_hits_total{command="get"}"#] == sent)
                    #expect(final[#"redislens_slow_commands_total{command="get",category="read"}"#] == sent)
                    #expect(final["redislens_client_connections_total"] == UInt64(Self.clients))
                    let prefixSeries = final.filter { $0.key.hasPrefix("redislens_key_prefix_commands_total{") }
                    #expect(prefixSeries.count == Self.maxPrefixes + 1)
                    #expect(prefixSeries.values.reduce(0, +) == 2 * sent)
                    #expect(proxy.runtime!.hub.slowLog.entries.count == 64)
                    #expect(history.count >= 2)
                }
            }
        }

        /// Each client sends `rounds` pipelines of `pairs` SET/GET pairs on its own keys.
        static func runClients(_ proxy: ProxyHarness) async throws {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for client in 0..<clients {
                    group.addTask {
                        let connection = try await proxy.connect()
                        defer { connection.close() }
                        for round in 0..<rounds {
                            var request: [UInt8] = []
                            var expected = ""
                            for pair in 0..<pairs {
                                let key = "tc:\(client):\(pair)"
                                let value = "v\(round)-\(pair)"
                                request += Frames.command(["SET", key, value]) + Frames.command(["GET", key])
                                expected += "+OK\r\n$\(value.utf8.count)\r\n\(value)\r\n"
                            }
                            let reply = try await connection.request(request, frames: 2 * pairs, timeout: .seconds(30))
                            #expect(Wire(reply) == Wire(expected))
                        }
                    }
                }
                try await group.waitForAll()
            }
        }

        /// Scrapes until cancelled, returning every scrape's counters.
        static func scrapeUntilCancelled(_ proxy: ProxyHarness) async -> [[String: UInt64]] {
            var history: [[String: UInt64]] = []
            repeat {
                history.append(counters(in: await proxy.scrape()))
                try? await Task.sleep(for: .milliseconds(2))
            } while !Task.isCancelled
            return history
        }

        /// Every counter-like sample (`_total`, histogram `_bucket` and `_count`) by series.
        static func counters(in text: String) -> [String: UInt64] {
            var result: [String: UInt64] = [:]
            for line in text.split(separator: "\n") where !line.hasPrefix("#") {
                guard let space = line.lastIndex(of: " ") else { continue }
                let series = String(line[..<space])
                let name = series.prefix { $0 != "{" }
                guard name.hasSuffix("_total") || name.hasSuffix("_bucket") || name.hasSuffix("_count") else {
                    continue
                }
                result[series] = UInt64(line[line.index(after: space)...])
            }
            return result
        }
    }
}
