import RedisCommands

/// Renders merged command and client counters as Prometheus metric families.
public enum CommandMetricsRenderer {
    /// Appends every `redislens_command*`, cache, slow, key-prefix and client family.
    ///
    /// `nodes` (Redis Cluster mode) adds each node's commands to the per-command families
    /// with a `node` label (its address); `data` is then the traffic of no node. The
    /// key-prefix, client and transaction families count all of it together.
    ///
    /// Commands of labelled connections (``ShardSnapshot/clients``) are apart in the
    /// per-command families, with a `client` label (its value from `clientLabels`, by id);
    /// the others carry none.
    public static func render(
        _ data: ShardSnapshot, nodes: [(node: String, snapshot: ShardSnapshot)] = [], table: CommandTable,
        prefixLabels: [String], clientLabels: [String] = [], into writer: inout PrometheusWriter
    ) {
        var series: [(labels: [(String, String)], data: ShardSnapshot)] = []
        func add(_ labels: [(String, String)], _ snapshot: ShardSnapshot) {
            guard !snapshot.clients.isEmpty else { return series.append((labels, snapshot)) }
            for (id, part) in snapshot.clients.enumerated() where id == 0 || id < clientLabels.count {
                series.append((id == 0 ? labels : labels + [("client", clientLabels[id])], part))
            }
        }
        add([], data)
        var total = data
        for (node, snapshot) in nodes {
            add([("node", node)], snapshot)
            total.merge(snapshot)
        }
        renderCommands(series, table: table, into: &writer)
        renderPrefixes(total, prefixLabels: prefixLabels, into: &writer)
        renderClients(total, into: &writer)
    }

    /// The per-command families, one series set per entry of `series` (its extra labels).
    private static func renderCommands(
        _ series: [(labels: [(String, String)], data: ShardSnapshot)], table: CommandTable,
        into writer: inout PrometheusWriter
    ) {
        let sorted = series.map { entry in
            let ids = entry.data.commands.indices.filter { entry.data.commands[$0] > 0 && $0 < table.commands.count }
                .sorted { table.commands[$0].label < table.commands[$1].label }
            return (labels: entry.labels, data: entry.data, ids: ids)
        }
        func labels(_ id: Int, _ extra: [(String, String)]) -> [(String, String)] {
            [("command", table.commands[id].label), ("category", table.commands[id].category.label)] + extra
        }

        writer.family("redislens_commands_total", .counter, help: "Commands forwarded to Redis and answered.")
        for (extra, data, ids) in sorted {
            for id in ids { writer.sample("redislens_commands_total", labels(id, extra), data.commands[id]) }
        }

        writer.family(
            "redislens_command_errors_total", .counter, help: "Error replies, by Redis error prefix (OTHER: unknown).")
        let kinds = RedisErrorPrefix.allCases
        for (extra, data, ids) in sorted {
            for id in ids {
                for kind in kinds {
                    let count = data.errors[id * kinds.count + Int(kind.rawValue)]
                    if count > 0 {
                        writer.sample(
                            "redislens_command_errors_total", labels(id, extra) + [("error", kind.label)], count)
                    }
                }
            }
        }

        writer.family(
            "redislens_command_duration_seconds", .histogram,
            help: "Time from a request's last byte read to its reply's last byte read.")
        for (extra, data, ids) in sorted {
            for id in ids {
                let start = id * DurationBuckets.count
                writer.durationHistogram(
                    "redislens_command_duration_seconds", labels(id, extra),
                    buckets: data.buckets[start..<(start + DurationBuckets.count)], sumNanos: data.durationNanos[id])
            }
        }

        writer.family(
            "redislens_upstream_duration_seconds", .histogram,
            help:
                "Time from a request's last byte written to Redis to its reply's last byte read (Redis and the network)."
        )
        for (extra, data, ids) in sorted {
            for id in ids {
                let start = id * DurationBuckets.count
                let buckets = data.upstreamBuckets[start..<(start + DurationBuckets.count)]
                guard buckets.contains(where: { $0 > 0 }) else { continue }
                writer.durationHistogram(
                    "redislens_upstream_duration_seconds", labels(id, extra), buckets: buckets,
                    sumNanos: data.upstreamNanos[id])
            }
        }

        let sizes: [(String, String, KeyPath<ShardSnapshot, [UInt64]>, KeyPath<ShardSnapshot, [UInt64]>)] = [
            (
                "redislens_command_request_bytes", "Request sizes on the wire, in bytes.", \.requestBuckets,
                \.requestBytes
            ),
            ("redislens_command_reply_bytes", "Reply sizes on the wire, in bytes.", \.replyBuckets, \.replyBytes),
        ]
        for (name, help, bucketPath, sumPath) in sizes {
            writer.family(name, .histogram, help: help)
            for (extra, data, ids) in sorted {
                for id in ids {
                    let start = id * SizeBuckets.count
                    writer.sizeHistogram(
                        name, labels(id, extra),
                        buckets: data[keyPath: bucketPath][start..<(start + SizeBuckets.count)],
                        sumBytes: data[keyPath: sumPath][id])
                }
            }
        }

        writer.family("redislens_cache_hits_total", .counter, help: "Keys found by key-reading commands.")
        for (extra, data, ids) in sorted {
            for id in ids where table.commands[id].hitRule != .none {
                writer.sample(
                    "redislens_cache_hits_total", [("command", table.commands[id].label)] + extra, data.hits[id])
            }
        }
        writer.family("redislens_cache_misses_total", .counter, help: "Keys not found by key-reading commands.")
        for (extra, data, ids) in sorted {
            for id in ids where table.commands[id].hitRule != .none {
                writer.sample(
                    "redislens_cache_misses_total", [("command", table.commands[id].label)] + extra, data.misses[id])
            }
        }

        writer.family("redislens_slow_commands_total", .counter, help: "Commands slower than --slow-threshold.")
        for (extra, data, ids) in sorted {
            for id in ids where data.slow[id] > 0 {
                writer.sample("redislens_slow_commands_total", labels(id, extra), data.slow[id])
            }
        }
    }

    private static func renderPrefixes(
        _ data: ShardSnapshot, prefixLabels: [String], into writer: inout PrometheusWriter
    ) {
        guard !data.prefixes.isEmpty else { return }
        let ids = data.prefixes.indices.filter { $0 < prefixLabels.count && data.prefixes[$0].commands > 0 }
            .sorted { prefixLabels[$0] < prefixLabels[$1] }
        let families: [(String, String, KeyPath<PrefixCounts, UInt64>)] = [
            ("redislens_key_prefix_commands_total", "Commands by the prefix of their first key.", \.commands),
            ("redislens_key_prefix_hits_total", "Cache hits by key prefix.", \.hits),
            ("redislens_key_prefix_misses_total", "Cache misses by key prefix.", \.misses),
        ]
        for (name, help, path) in families {
            writer.family(name, .counter, help: help)
            for id in ids { writer.sample(name, [("prefix", prefixLabels[id])], data.prefixes[id][keyPath: path]) }
        }
    }

    private static func renderClients(_ data: ShardSnapshot, into writer: inout PrometheusWriter) {
        writer.family("redislens_client_connections", .gauge, help: "Client connections open now.")
        writer.sample("redislens_client_connections", [], data.connectionsOpened &- data.connectionsClosed)
        writer.family("redislens_client_connections_total", .counter, help: "Client connections accepted.")
        writer.sample("redislens_client_connections_total", [], data.connectionsOpened)
        writer.family("redislens_client_received_bytes_total", .counter, help: "Bytes read from clients.")
        writer.sample("redislens_client_received_bytes_total", [], data.bytesReceived)
        writer.family("redislens_client_sent_bytes_total", .counter, help: "Bytes written to clients.")
        writer.sample("redislens_client_sent_bytes_total", [], data.bytesSent)
        writer.family(
            "redislens_client_protocol_errors_total", .counter,
            help: "Clients that sent malformed RESP (passed on to Redis, which answers and closes).")
        writer.sample("redislens_client_protocol_errors_total", [], data.protocolErrors)
        renderTransactions(data.transactions, into: &writer)
    }

    private static func renderTransactions(_ counts: TransactionCounts, into writer: inout PrometheusWriter) {
        writer.family(
            "redislens_transactions_total", .counter,
            help: "MULTI transactions by how they ended (exec, discard, watch_conflict, abort).")
        for outcome in TransactionOutcome.allCases {
            writer.sample(
                "redislens_transactions_total", [("outcome", outcome.label)], counts.byOutcome[Int(outcome.rawValue)])
        }
        writer.family(
            "redislens_transaction_duration_seconds", .histogram,
            help: "MULTI's last request byte to the last byte of the reply that ended the transaction.")
        writer.durationHistogram(
            "redislens_transaction_duration_seconds", [], buckets: counts.buckets[...], sumNanos: counts.durationNanos)
    }
}
