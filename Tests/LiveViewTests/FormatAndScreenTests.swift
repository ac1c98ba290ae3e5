import LiveView
import Testing

@Suite struct LiveFormatTests {
    @Test(
        "Numbers: exact below 10,000, then k, M, G",
        arguments: [
            (nil, "-"), (0, "0"), (7.5, "7.5"), (42, "42"), (123.4, "123"), (9999, "9999"), (12_345, "12.3k"),
            (3_400_000, "3.4M"), (5.6e9, "5.6G"),
        ] as [(Double?, String)])
    func numbers(value: Double?, text: String) {
        #expect(LiveFormat.number(value) == text)
    }

    @Test(
        "Durations",
        arguments: [(0, "0"), (850e-9, "850ns"), (350e-6, "350µs"), (0.00125, "1.25ms"), (2.5, "2.50s")]
            as [(Double, String)])
    func durations(seconds: Double, text: String) {
        #expect(LiveFormat.duration(seconds) == text)
    }

    @Test(
        "Bytes",
        arguments: [(nil, "-"), (512, "512 B"), (1536, "1.5 KiB"), (104_857_600, "100.0 MiB")] as [(Double?, String)])
    func bytes(value: Double?, text: String) {
        #expect(LiveFormat.bytes(value) == text)
    }

    @Test("Percent, uptime, sparkline")
    func others() {
        #expect(LiveFormat.percent(0.95) == "95.0%")
        #expect(LiveFormat.percent(nil) == "-")
        #expect(LiveFormat.uptime(45) == "45s")
        #expect(LiveFormat.uptime(725) == "12m05s")
        #expect(LiveFormat.uptime(3 * 3600 + 7 * 60) == "3h07m")
        #expect(LiveFormat.uptime(2 * 86400 + 4 * 3600) == "2d04h")
        #expect(LiveFormat.sparkline([0, 1, 2, 4], width: 6) == "  ▁▃▅█")
        #expect(LiveFormat.sparkline([], width: 3) == "   ")
    }
}

@Suite struct TextScreenTests {
    static func view(hotKeys: HotKeysDocument? = nil) -> LiveView {
        var stats = StatsDocument()
        stats.commands = ["hset": .init(count: 42, p50: 0.0001, p99: 0.001)]
        stats.categories = ["write": 42]
        stats.proxy = ["uptime_seconds": 61, "upstream_up": 1]
        var model = LiveModel()
        return model.update(LiveDocuments(stats: stats, slowLog: [], hotKeys: hotKeys), at: 0)
    }

    /// The line without its escape codes.
    static func visible(_ line: String) -> String {
        var result = ""
        var inEscape = false
        for character in line {
            if character == "\u{1B}" {
                inEscape = true
            } else if inEscape {
                if character.isLetter { inEscape = false }
            } else {
                result.append(character)
            }
        }
        return result
    }

    @Test("Exactly the screen's height, no line wider than the screen", arguments: [(120, 40), (80, 24), (40, 10)])
    func fits(width: Int, height: Int) {
        let lines = TextScreen(width: width, height: height, source: "http://127.0.0.1:9122/")
            .lines(Self.view(), status: "q quits")
        #expect(lines.count == height)
        #expect(lines.allSatisfy { Self.visible($0).count <= width })
        #expect(Self.visible(lines.last ?? "").hasPrefix("q quits"))
    }

    @Test("Commands, uptime and the off panels are shown")
    func content() {
        let text = TextScreen(width: 120, height: 40, source: "x").lines(Self.view(), status: "").map(Self.visible)
            .joined(separator: "\n")
        #expect(text.contains("hset"))
        #expect(text.contains("uptime 1m01s"))
        #expect(text.contains("HOT KEYS  off"))
        #expect(text.contains("CLIENTS  off"))
    }

    @Test("Hot keys when on")
    func hotKeys() {
        let hot = HotKeysDocument(
            windowSeconds: 60, elapsedSeconds: 1, commands: 5, keys: [.init(key: "user:1", count: 5, reads: 5)])
        let text = TextScreen(width: 80, height: 40, source: "x").lines(Self.view(hotKeys: hot), status: "")
            .map(Self.visible).joined(separator: "\n")
        #expect(text.contains("user:1"))
    }

    @Test("Every panel on, long keys: still fits", arguments: [(160, 50), (100, 30), (60, 20)])
    func everyPanel(width: Int, height: Int) {
        let long = String(repeating: "k", count: 64)
        var view = Self.view(
            hotKeys: HotKeysDocument(
                windowSeconds: 60, elapsedSeconds: 1, commands: 9,
                keys: [.init(key: long, truncated: true, count: 5), .init(key: "user:1", count: 4)]))
        view.bigKeys = BigKeysDocument(
            requests: [.init(key: "blob", command: "set", bytes: 104_857_600)],
            replies: [.init(key: long, command: "get", bytes: 2048)])
        view.clients = ClientsDocument(
            labelBy: "name",
            clients: [.init(label: "web", connections: 3, commands: 1000), .init(label: "", commands: 1)])
        view.slowLog = [.init(command: "get", arguments: "GET \(long)", durationSeconds: 0.2, client: "c", time: 0)]
        let lines = TextScreen(width: width, height: height, source: "x").lines(view, status: "q quits")
        #expect(lines.count == height)
        #expect(lines.allSatisfy { Self.visible($0).count <= width })
        let text = lines.map(Self.visible).joined(separator: "\n")
        #expect(text.contains("blob"))
        #expect(text.contains("100.0 MiB"))
        #expect(text.contains("web"))
        #expect(text.contains("(unnamed)") || height < 30)
    }

    @Test("Unreachable: the problem in the title bar, the status line as given")
    func unreachable() {
        var model = LiveModel()
        let view = model.update(LiveDocuments(stats: nil, problem: "cannot reach x"), at: 0)
        let lines = TextScreen(width: 80, height: 24, source: "x").lines(view, status: "cannot reach x; retrying")
        #expect(Self.visible(lines[0]).contains("unreachable"))
        #expect(Self.visible(lines[23]).hasPrefix("cannot reach x; retrying"))
    }
}
