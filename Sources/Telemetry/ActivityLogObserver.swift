import RedisCommands

/// The activity log on one event loop: a ``CommandObserver`` that turns a sampled
/// share of commands into ``ActivityLine``s for its sink. An unsampled command costs one
/// random draw: no allocation, no lock.
public final class ActivityLogObserver: CommandObserver {
    private var sampler: ActivitySampler
    private let prefix: String?
    private let sink: any ActivityLogSink
    private var clients: [UInt64: String] = [:]

    /// An observer keeping `ratio` of commands, lines starting with `prefix` (plus a space) if given.
    public init(ratio: Double, prefix: String?, sink: any ActivityLogSink, seed: UInt64) {
        self.sampler = ActivitySampler(ratio: ratio, seed: seed)
        self.prefix = prefix
        self.sink = sink
    }

    /// A factory for ``TelemetryHub``'s `observers`: one observer per event loop, each
    /// with its own random seed.
    public static func factory(
        ratio: Double, prefix: String?, sink: any ActivityLogSink
    ) -> @Sendable () -> any CommandObserver {
        { ActivityLogObserver(ratio: ratio, prefix: prefix, sink: sink, seed: UInt64.random(in: .min ... .max)) }
    }

    /// Writes a line for the command if it is sampled.
    public func observe(_ event: CommandEvent, summary: CommandSummary) {
        guard sampler.next() else { return }
        let now = Timestamps.nowUnixNanos()
        let line = ActivityLine.format(
            event, summary: summary, client: clients[event.connectionID], unixNanos: now, prefix: prefix)
        sink.write(line: line, unixNanos: now)
    }

    /// Remembers the client's address for its lines.
    public func connectionOpened(id: UInt64, address: String) { clients[id] = address }

    /// Forgets the client.
    public func connectionClosed(id: UInt64) { clients[id] = nil }
}
