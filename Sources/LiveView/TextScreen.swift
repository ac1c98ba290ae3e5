/// `redis-lens top`'s screen: the view as `height` lines of at most `width` columns, with
/// plain ANSI attributes (bold, reverse) and no cursor movement, so the terminal side only
/// homes the cursor and writes the lines. Sections share the rows left after the header.
public struct TextScreen: Sendable {
    /// Columns available.
    public var width: Int
    /// Rows available (the last one is the status line).
    public var height: Int
    /// Shown in the title bar (the admin address).
    public var source: String

    /// A screen of this size.
    public init(width: Int, height: Int, source: String) {
        self.width = max(width, 20)
        self.height = max(height, 4)
        self.source = source
    }

    /// The lines (exactly `height`), each fitted to `width`; `status` on the last line.
    public func lines(_ view: LiveView, status: String) -> [String] {
        var header = [
            bar(("redis-lens top  \(source)  " + upstreamText(view))),
            fit(summary(view)),
        ]
        header.append(
            fit("ops/s  " + LiveFormat.sparkline(view.opsHistory, width: max(0, min(60, width - 20))) + "  last 60 s"))
        if !view.categories.isEmpty {
            header.append(
                fit(
                    "by category  "
                        + view.categories.map { "\($0.name) \(LiveFormat.number($0.opsPerSecond))/s" }.joined(
                            separator: "  ")))
        }
        let body = max(0, height - header.count - 1)
        var lines = header + layout(sections(view), rows: body)
        while lines.count < height - 1 { lines.append("") }
        lines = Array(lines.prefix(height - 1))
        lines.append(bar((status)))
        return lines
    }

    private func upstreamText(_ view: LiveView) -> String {
        if view.problem != nil { return "unreachable" }
        let upstream = view.upstreamUp.map { $0 ? "upstream up" : "UPSTREAM DOWN" } ?? ""
        return "uptime \(LiveFormat.uptime(view.uptimeSeconds))  \(upstream)"
    }

    private func summary(_ view: LiveView) -> String {
        var parts = [
            "ops/s \(LiveFormat.number(view.opsPerSecond))",
            "errors/s \(LiveFormat.number(view.errorsPerSecond))",
            "hit \(LiveFormat.percent(view.hitRatio))",
            "commands \(LiveFormat.count(view.totalCommands))",
            "errors \(LiveFormat.count(view.totalErrors))",
        ]
        if view.poolIdle != nil {
            parts.append(
                "pool \(LiveFormat.number(view.poolUsed)) used \(LiveFormat.number(view.poolIdle)) idle "
                    + "\(LiveFormat.number(view.poolWaiting)) waiting")
        }
        if view.usedMemory != nil {
            let limit = (view.maxMemory ?? 0) > 0 ? " / " + LiveFormat.bytes(view.maxMemory) : ""
            parts.append("memory \(LiveFormat.bytes(view.usedMemory))\(limit)")
        }
        return parts.joined(separator: "  ")
    }

    /// A titled block of rows, `columns` wide.
    struct Section {
        var title: String
        var rows: [String]
    }

    private func sections(_ view: LiveView) -> [Section] {
        let wide = width >= 100
        let half = wide ? (width - 3) / 2 : width
        var result = [commandSection(view)]
        let hot = hotKeySection(view, width: half)
        let big = bigKeySection(view, width: half)
        let clients = clientSection(view, width: half)
        let slow = slowLogSection(view, width: half)
        if wide {
            result.append(Self.sideBySide(hot, big, width: half))
            result.append(Self.sideBySide(clients, slow, width: half))
        } else {
            result += [hot, big, clients, slow]
        }
        return result
    }

    private func commandSection(_ view: LiveView) -> Section {
        let header = Self.columns(
            ["COMMAND", "OPS/S", "COUNT", "ERRORS", "P50", "P99", "HIT"], widths: [16, 9, 9, 8, 9, 9, 7])
        let rows = view.commands.map { row in
            Self.columns(
                [
                    row.name, LiveFormat.number(row.opsPerSecond), LiveFormat.count(row.count),
                    LiveFormat.count(row.errors), LiveFormat.duration(row.p50), LiveFormat.duration(row.p99),
                    LiveFormat.percent(row.hitRatio),
                ], widths: [16, 9, 9, 8, 9, 9, 7])
        }
        return Section(title: header, rows: rows.isEmpty ? ["(no commands yet)"] : rows)
    }

    private func hotKeySection(_ view: LiveView, width: Int) -> Section {
        guard let hot = view.hotKeys else { return Section(title: "HOT KEYS  off (--hotkeys)", rows: []) }
        let keyWidth = max(8, width - 30)
        let title =
            Self.columns(["HOT KEYS", "COUNT", "READS", "WRITES"], widths: [keyWidth, 9, 9, 9])
        let rows = hot.keys.map { key in
            Self.columns(
                [
                    key.key + (key.truncated ? "…" : ""), LiveFormat.count(key.count), LiveFormat.count(key.reads),
                    LiveFormat.count(key.writes),
                ], widths: [keyWidth, 9, 9, 9])
        }
        return Section(title: title, rows: rows)
    }

    private func bigKeySection(_ view: LiveView, width: Int) -> Section {
        guard let big = view.bigKeys else { return Section(title: "BIG VALUES  off", rows: []) }
        let keyWidth = max(8, width - 24)
        let title = Self.columns(["BIG VALUES", "COMMAND", "BYTES"], widths: [keyWidth, 10, 12])
        let values = (big.replies.map { ($0, "reply") } + big.requests.map { ($0, "request") })
            .sorted { $0.0.bytes > $1.0.bytes }
        let rows = values.map { value, _ in
            Self.columns(
                [value.key + (value.truncated ? "…" : ""), value.command, LiveFormat.bytes(Double(value.bytes))],
                widths: [keyWidth, 10, 12])
        }
        return Section(title: title, rows: rows)
    }

    private func clientSection(_ view: LiveView, width: Int) -> Section {
        guard let clients = view.clients else { return Section(title: "CLIENTS  off", rows: []) }
        let labelWidth = max(8, width - 30)
        let title = Self.columns(["CLIENTS", "CONNS", "COMMANDS", "ERRORS"], widths: [labelWidth, 7, 11, 8])
        let rows = clients.clients.map { client in
            Self.columns(
                [
                    client.label.isEmpty ? "(unnamed)" : client.label, LiveFormat.count(client.connections),
                    LiveFormat.count(client.commands), LiveFormat.count(client.errors),
                ], widths: [labelWidth, 7, 11, 8])
        }
        return Section(title: title, rows: rows)
    }

    private func slowLogSection(_ view: LiveView, width: Int) -> Section {
        let title = "SLOW LOG"
        let rows = view.slowLog.map { entry in
            Self.columns(
                [
                    LiveFormat.duration(entry.durationSeconds),
                    entry.arguments.isEmpty ? entry.command : entry.arguments,
                ],
                widths: [9, max(8, width - 10)])
        }
        return Section(title: title, rows: rows.isEmpty ? ["(no slow commands)"] : rows)
    }

    /// Two sections as one, each `width` wide, separated by ` │ `.
    static func sideBySide(_ left: Section, _ right: Section, width: Int) -> Section {
        func pad(_ text: String) -> String {
            let fitted = String(text.prefix(width))
            return fitted + String(repeating: " ", count: width - fitted.count)
        }
        var rows: [String] = []
        for index in 0..<max(left.rows.count, right.rows.count) {
            let one = index < left.rows.count ? left.rows[index] : ""
            let two = index < right.rows.count ? right.rows[index] : ""
            rows.append(pad(one) + " │ " + two)
        }
        return Section(title: pad(left.title) + " │ " + right.title, rows: rows)
    }

    /// Gives each section its title, then rows one at a time in turn while rows are left, so
    /// a long command list does not push the other sections off a small screen.
    private func layout(_ sections: [Section], rows available: Int) -> [String] {
        var shown = [Int](repeating: 0, count: sections.count)
        var left = available - sections.count * 2  // a title and a blank line each
        var progress = true
        while left > 0, progress {
            progress = false
            for index in sections.indices where left > 0 && shown[index] < sections[index].rows.count {
                shown[index] += 1
                left -= 1
                progress = true
            }
        }
        var lines: [String] = []
        for (index, section) in sections.enumerated() {
            lines.append("")
            lines.append(Self.bold(fit(section.title)))
            lines += section.rows.prefix(shown[index]).map { fit($0) }
        }
        return lines
    }

    /// Cells left-aligned (the first) and right-aligned (the rest) in fixed widths.
    static func columns(_ cells: [String], widths: [Int]) -> String {
        var line = ""
        for (index, cell) in cells.enumerated() {
            let width = index < widths.count ? widths[index] : cell.count
            let text = cell.count > width ? String(cell.prefix(max(0, width - 1))) + "…" : cell
            let padding = String(repeating: " ", count: max(0, width - text.count))
            line += index == 0 ? text + padding : " " + padding + text
        }
        return line
    }

    private func fit(_ text: String) -> String {
        text.count > width ? String(text.prefix(width)) : text
    }

    static func bold(_ text: String) -> String { "\u{1B}[1m" + text + "\u{1B}[0m" }

    /// Reverse video over the whole width (the title and status bars).
    func bar(_ text: String) -> String {
        let fitted = fit(text)
        return "\u{1B}[7m" + fitted + String(repeating: " ", count: width - fitted.count) + "\u{1B}[0m"
    }
}
