import Logging
import RedisCommands
import Telemetry
import TestSupport

/// Builds command events from wire bytes, the way the proxy does: the request and the
/// reply are scanned, the request identified in a command table.
enum Events {
    /// An event for `arguments` (a RESP request of bulk strings) answered by `reply`
    /// (exact RESP bytes), taking `nanos` nanoseconds.
    static func make(
        _ arguments: [String],
        reply: String,
        nanos: UInt64 = 1_000,
        connection: UInt64 = 1,
        outcome: CommandOutcome = .replied,
        queued: Bool = false,
        table: CommandTable = .builtin
    ) -> CommandEvent {
        make(
            arguments.map { Array($0.utf8) }, reply: reply, nanos: nanos, connection: connection, outcome: outcome,
            queued: queued, table: table)
    }

    /// Like ``make(_:reply:nanos:connection:outcome:queued:table:)`` with raw argument bytes.
    static func make(
        _ arguments: [[UInt8]],
        reply: String,
        nanos: UInt64 = 1_000,
        connection: UInt64 = 1,
        outcome: CommandOutcome = .replied,
        queued: Bool = false,
        table: CommandTable = .builtin
    ) -> CommandEvent {
        let request = Frames.request(arguments)
        let answer = outcome == .replied ? Frames.reply(reply) : nil
        let start: UInt64 = 1_000_000_000
        return CommandEvent(
            name: request.first,
            firstArgument: request.second,
            argumentCount: request.count,
            commandID: table.identify(name: request.first, subcommand: request.second, argumentCount: request.count),
            connectionID: connection,
            startNanos: start,
            endNanos: start + nanos,
            requestBytes: request.byteCount,
            replyBytes: answer?.byteCount ?? 0,
            outcome: outcome,
            replyType: answer?.type ?? .null,
            error: answer.flatMap { $0.type.isError ? RedisErrorPrefix(errorText: $0.first) : nil },
            replyCount: answer?.count ?? 0,
            replyIsNull: answer?.isNull ?? false,
            queued: queued,
            replyNullChildren: answer?.nullChildren ?? 0,
            replyInteger: answer?.integer ?? 0)
    }
}

/// A hub that logs nothing.
func makeHub(
    slowThresholdNanos: UInt64 = 100_000_000,
    slowLogSize: Int = 128,
    prefixes: KeyPrefixConfiguration? = nil
) -> TelemetryHub {
    var configuration = TelemetryConfiguration()
    configuration.slowThresholdNanos = slowThresholdNanos
    configuration.slowLogSize = slowLogSize
    configuration.keyPrefixes = prefixes
    return TelemetryHub(
        configuration: configuration,
        logger: Logger(label: "telemetry-tests", factory: { _ in SwiftLogNoOpLogHandler() })
    )
}

/// Key-prefix settings.
func prefixSettings(depth: Int = 1, maxPrefixes: Int = 100) -> KeyPrefixConfiguration {
    var settings = KeyPrefixConfiguration()
    settings.depth = depth
    settings.maxPrefixes = maxPrefixes
    return settings
}
