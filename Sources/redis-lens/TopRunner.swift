import LiveView
import Proxy

#if canImport(Glibc)
    import Glibc
#endif

/// `redis-lens top`'s loop: poll the admin endpoint every second, feed ``LiveModel``, draw
/// its ``TextScreen``; between polls, wait for a key (`q` quits) or a signal (a resize
/// redraws; SIGINT, SIGTERM and SIGHUP quit). The terminal is restored on every way out.
enum TopRunner {
    static func run(address: HostPort) {
        let fetch = AdminFetch(address: address)
        let source = "http://\(address)/"
        let terminal = TopTerminal()
        let signals = TopSignals()
        terminal.enter()
        defer { terminal.leave() }
        var model = LiveModel()
        var view = LiveView(LiveDocuments(stats: nil, problem: "connecting"))
        var status = "connecting to \(source)"
        var keyboard: Int32 = STDIN_FILENO
        var next = monotonicSeconds()
        func redraw() {
            let size = terminal.size
            terminal.draw(
                TextScreen(width: size.width, height: size.height, source: source).lines(view, status: status))
        }
        while true {
            if monotonicSeconds() >= next {
                let documents = poll(fetch, source: source)
                view = model.update(documents, at: monotonicSeconds())
                status =
                    documents.problem.map { "\($0); retrying every second · q quits" }
                    ?? "q quits · updated \(clockTime()) · every second"
                redraw()
                next += 1
                if next < monotonicSeconds() { next = monotonicSeconds() + 1 }
            }
            var descriptors = [
                pollfd(fd: keyboard, events: Int16(POLLIN), revents: 0),
                pollfd(fd: signals.descriptor, events: Int16(POLLIN), revents: 0),
            ]
            let wait = Int32(max(0, min(1000, (next - monotonicSeconds()) * 1000)).rounded(.up))
            guard Glibc.poll(&descriptors, 2, wait) > 0 else { continue }
            for byte in descriptors[1].revents != 0 ? signals.drain() : [] {
                if byte == UInt8(ascii: "q") { return }
                redraw()
            }
            if descriptors[0].revents != 0 {
                var buffer = [UInt8](repeating: 0, count: 64)
                let count = buffer.withUnsafeMutableBytes { read(keyboard, $0.baseAddress, $0.count) }
                if count <= 0 {
                    keyboard = -1  // no keyboard (end of input): poll ignores a negative descriptor
                    continue
                }
                // q or Q quits; so does Ctrl-C should it arrive as a byte.
                if buffer[0..<count].contains(where: { $0 == UInt8(ascii: "q") || $0 == UInt8(ascii: "Q") || $0 == 3 })
                {
                    return
                }
            }
        }
    }

    /// One poll: `/stats` (without it, only the problem), then the other documents, each
    /// nil when missing, off or unreadable.
    static func poll(_ fetch: AdminFetch, source: String) -> LiveDocuments {
        let stats: StatsDocument
        do {
            let (status, body) = try fetch.get("/stats")
            guard status == 200 else {
                return LiveDocuments(stats: nil, problem: "\(source)stats answered HTTP \(status)")
            }
            guard let document = StatsDocument(json: body) else {
                return LiveDocuments(stats: nil, problem: "\(source)stats is not a redis-lens stats document")
            }
            stats = document
        } catch {
            return LiveDocuments(stats: nil, problem: "cannot reach \(source): \(error)")
        }
        func document(_ path: String) -> [UInt8]? {
            guard let response = try? fetch.get(path), response.status == 200 else { return nil }
            return response.body
        }
        return LiveDocuments(
            stats: stats, slowLog: document("/slowlog").flatMap { SlowEntry.list(json: $0) },
            hotKeys: document("/hotkeys").flatMap { HotKeysDocument(json: $0) },
            bigKeys: document("/bigkeys").flatMap { BigKeysDocument(json: $0) },
            clients: document("/clients").flatMap { ClientsDocument(json: $0) })
    }

    static func monotonicSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    /// The local time as `HH:MM:SS`.
    static func clockTime() -> String {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))"
    }
}
