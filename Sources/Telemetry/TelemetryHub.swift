import Logging
import NIOConcurrencyHelpers
import RESP
import RedisCommands

/// What all shards share: configuration, the current command table, the slow log and
/// the key-prefix admission. Touched per command only for slow commands.
public final class TelemetryHub: Sendable {
    /// The configuration every shard follows.
    public let configuration: TelemetryConfiguration
    /// The most recent slow commands.
    public let slowLog: SlowLog
    /// Makes each shard's ``CommandObserver``s (span export, activity log); empty by default.
    public let observerFactories: [@Sendable () -> any CommandObserver]
    let prefixes: PrefixAdmission
    let clientLabels: ClientLabelAdmission
    private let table: NIOLockedValueBox<CommandTable>
    private let logger: Logger

    /// Creates the hub with the built-in command table; each shard gets one observer
    /// from every factory in `observers`.
    public init(
        configuration: TelemetryConfiguration, logger: Logger,
        observers: [@Sendable () -> any CommandObserver] = []
    ) {
        self.observerFactories = observers
        self.configuration = configuration
        self.slowLog = SlowLog(capacity: configuration.slowLogSize)
        self.prefixes = PrefixAdmission(limit: configuration.keyPrefixes?.maxPrefixes ?? 0)
        self.clientLabels = ClientLabelAdmission(limit: configuration.maxClientsLabelled)
        self.table = NIOLockedValueBox(CommandTable.builtin)
        self.logger = logger
    }

    /// The command table new connections use; replacing it keeps existing ids.
    public var commandTable: CommandTable {
        get { table.withLockedValue { $0 } }
        set { table.withLockedValue { $0 = newValue } }
    }

    /// A new shard for one event loop.
    public func makeShard() -> MetricsShard { MetricsShard(hub: self) }

    /// Labels of admitted key prefixes by id (0 is `other`).
    public var prefixLabels: [String] { prefixes.labels }

    /// `client` label values by id (``ShardSnapshot/clients``): 0 is the empty value of
    /// unlabelled connections, 1 is `other`.
    public var clientLabelValues: [String] { clientLabels.labels }

    func recordSlow(_ event: CommandEvent, label: String, firstKey: Int, address: String?) {
        let arguments = Self.sanitized(event, label: label, showKey: firstKey == 1)
        let seconds = Double(event.durationNanos) / 1e9
        slowLog.add(
            SlowLogEntry(
                command: label, arguments: arguments, durationSeconds: seconds, clientAddress: address ?? "",
                unixTime: WallClock.unixSeconds()))
        logger.warning(
            "slow command",
            metadata: [
                "command": "\(label)", "arguments": "\(arguments)", "duration_seconds": "\(seconds)",
                "client": "\(address ?? "")",
            ])
    }

    /// The command as Redis names it, the first key if the command's first argument is
    /// a key, and `?` for every other argument, so values and secrets never show:
    /// `SET user:1 ?`, `CONFIG SET ? ?`, `AUTH ?`.
    public static func sanitized(_ event: CommandEvent, label: String, showKey: Bool) -> String {
        QueryText.sanitized(event, label: label, showKey: showKey).description
    }
}
