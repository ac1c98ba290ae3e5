import Logging
import LokiPush
import NIOCore
import ServiceLifecycle
import Telemetry

/// Wires the activity log: the observer factory for ``TelemetryHub`` and, with
/// `--loki-url`, the pusher service (lines then go to Loki only, not to stdout).
enum ActivityLogSetup {
    static func make(
        _ settings: ActivityLogSettings?, group: any EventLoopGroup
    ) -> (observers: [@Sendable () -> any CommandObserver], services: [any Service]) {
        guard let settings else { return ([], []) }
        let counters = ActivityLogCounters.process
        if let url = settings.loki {
            let pusher = LokiPusher(
                url: url, group: group, counters: counters, logger: Logger(label: "redis-lens.loki"))
            return (
                [ActivityLogObserver.factory(ratio: settings.ratio, prefix: settings.prefix, sink: pusher)], [pusher]
            )
        }
        let sink = StandardOutputActivitySink(counters: counters)
        return ([ActivityLogObserver.factory(ratio: settings.ratio, prefix: settings.prefix, sink: sink)], [])
    }
}
