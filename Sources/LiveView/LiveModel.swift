import Foundation

/// What one poll of the admin endpoint returned: each document, or nil when its endpoint
/// is missing (404), off (`"enabled": false`) or failed.
public struct LiveDocuments: Sendable {
    /// `/stats`; nil: the proxy could not be read (see `problem`).
    public var stats: StatsDocument?
    /// `/slowlog`, newest first.
    public var slowLog: [SlowEntry]?
    /// `/hotkeys`; nil: off.
    public var hotKeys: HotKeysDocument?
    /// `/bigkeys`; nil: off.
    public var bigKeys: BigKeysDocument?
    /// `/clients`; nil: off.
    public var clients: ClientsDocument?
    /// Why `/stats` could not be read, one line (shown on the status line).
    public var problem: String?

    /// A poll with these documents.
    public init(
        stats: StatsDocument?, slowLog: [SlowEntry]? = nil, hotKeys: HotKeysDocument? = nil,
        bigKeys: BigKeysDocument? = nil, clients: ClientsDocument? = nil, problem: String? = nil
    ) {
        self.stats = stats
        self.slowLog = slowLog
        self.hotKeys = hotKeys
        self.bigKeys = bigKeys
        self.clients = clients
        self.problem = problem
    }
}

/// The view's state across polls: the previous `/stats` counts (rates are count deltas
/// over the time between polls) and the last minute of totals for the charts. Fed one poll
/// at a time, returns what to show; no I/O, no clock of its own.
///
/// The live page's script (``LivePage``) computes the same numbers the same way.
public struct LiveModel: Sendable {
    /// Polls kept for the charts (one a second: the last minute).
    public static let historyLength = 60

    private var previous: (time: Double, stats: StatsDocument)?
    /// Total commands per second, oldest first, at most ``historyLength``.
    public private(set) var opsHistory: [Double] = []
    /// Error replies per second, oldest first, at most ``historyLength``.
    public private(set) var errorsHistory: [Double] = []

    /// A model before the first poll.
    public init() {}

    /// Takes the poll made at `time` (monotonic seconds) and returns the view. Rates need
    /// two polls: the first view has none; a counter that went down (the proxy restarted)
    /// starts over from it.
    public mutating func update(_ documents: LiveDocuments, at time: Double) -> LiveView {
        var view = LiveView(documents)
        guard let stats = documents.stats else {
            return view
        }
        let totalCommands = stats.categories.values.reduce(0, +)
        let totalErrors = stats.categoryErrors.values.reduce(0, +)
        view.totalCommands = totalCommands
        view.totalErrors = totalErrors
        if let previous, time > previous.time {
            let seconds = time - previous.time
            func rate(_ now: UInt64, _ before: UInt64) -> Double? {
                now >= before ? Double(now - before) / seconds : nil
            }
            let before = previous.stats
            view.opsPerSecond = rate(totalCommands, before.categories.values.reduce(0, +))
            view.errorsPerSecond = rate(totalErrors, before.categoryErrors.values.reduce(0, +))
            if view.opsPerSecond == nil {
                opsHistory.removeAll()
                errorsHistory.removeAll()
            }
            for index in view.commands.indices {
                let name = view.commands[index].name
                view.commands[index].opsPerSecond = rate(
                    view.commands[index].count, before.commands[name]?.count ?? 0)
            }
            for index in view.categories.indices {
                let name = view.categories[index].name
                view.categories[index].opsPerSecond = rate(
                    view.categories[index].count, before.categories[name] ?? 0)
            }
            view.sortByRate()
        }
        if let ops = view.opsPerSecond {
            Self.append(ops, to: &opsHistory)
            Self.append(view.errorsPerSecond ?? 0, to: &errorsHistory)
        }
        view.opsHistory = opsHistory
        view.errorsHistory = errorsHistory
        previous = (time, stats)
        return view
    }

    private static func append(_ value: Double, to history: inout [Double]) {
        history.append(value)
        if history.count > historyLength { history.removeFirst(history.count - historyLength) }
    }
}
