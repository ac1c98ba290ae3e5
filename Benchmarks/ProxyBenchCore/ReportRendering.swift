import Foundation

extension BenchReport {
    /// The report as one JSON object (snake_case keys, sorted).
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let data = (try? encoder.encode(self)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// The report as a text table: one row per target.
    public func table() -> String {
        let c = configuration
        var header = "\(c.workload), \(c.connections) connections, pipeline \(c.pipeline), "
        if let requests = c.requests { header += "\(requests) requests" }
        if let seconds = c.durationSeconds { header += "\(Self.number(seconds))s" }
        header += " per run, \(c.repeats) run\(c.repeats == 1 ? "" : "s") per target"
        if let rate = c.rate { header += ", open loop at \(Self.number(rate)) requests/s" }
        header += ", keyspace \(c.keyspace), values \(c.valueSize) B"
        if let ratio = c.readRatio { header += ", read ratio \(ratio)" }
        if let ratio = c.hitRatio { header += ", hit ratio \(ratio)" }
        if c.warmupSeconds > 0 { header += ", warm-up \(Self.number(c.warmupSeconds))s" }
        let first = targets[0].name
        var rows: [[String]] = [
            [
                "target", "ops/s", "min..max", "p50 µs", "p95 µs", "p99 µs", "p99.9 µs", "max µs", "errors", "hits",
                "vs \(first)", "min..max",
            ]
        ]
        for target in targets {
            let ops = target.opsPerSecond
            let latency = target.latencyMicroseconds
            let ratio = target.ratioToFirst
            rows.append([
                target.name, Self.whole(ops.median), "\(Self.whole(ops.min))..\(Self.whole(ops.max))",
                Self.micros(latency.p50), Self.micros(latency.p95), Self.micros(latency.p99),
                Self.micros(latency.p999), Self.micros(latency.max), "\(target.errors)",
                target.hitRatio.map { Self.percent($0) } ?? "-",
                ratio.map { Self.ratio($0.median) } ?? "-",
                ratio.map { "\(Self.ratio($0.min))..\(Self.ratio($0.max))" } ?? "-",
            ])
        }
        return header + "\n" + Self.align(rows)
    }

    static func align(_ rows: [[String]]) -> String {
        var widths = [Int](repeating: 0, count: rows[0].count)
        for row in rows { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) } }
        return rows.map { row in
            row.enumerated().map { index, cell in
                let pad = String(repeating: " ", count: widths[index] - cell.count)
                return index == 0 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }

    static func whole(_ value: Double) -> String { String(Int(value.rounded())) }
    static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
    static func micros(_ value: Double) -> String { String(format: value < 100 ? "%.1f" : "%.0f", value) }
    static func ratio(_ value: Double) -> String { String(format: "%.3f", value) }
    static func percent(_ value: Double) -> String { String(format: "%.1f%%", value * 100) }
}
