import Logging
import RedisCommands
import TestSupport
import Testing

@testable import Telemetry

/// The `client` label: admitted first come up to the limit, moved by renames, absent for
/// unnamed connections; and `/clients`.
@Suite struct ClientLabelTests {
    static func hub(mode: ClientLabelMode = .name, limit: Int = 50) -> TelemetryHub {
        var configuration = TelemetryConfiguration()
        configuration.clientLabel = mode
        configuration.maxClientsLabelled = limit
        return TelemetryHub(
            configuration: configuration, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
    }

    static func text(_ value: String) -> ClientText { ClientText(Array(value.utf8)) }

    static func render(_ hub: TelemetryHub, _ snapshot: ShardSnapshot) -> String {
        var writer = PrometheusWriter(openMetrics: false)
        CommandMetricsRenderer.render(
            snapshot, table: hub.commandTable, prefixLabels: hub.prefixLabels, clientLabels: hub.clientLabelValues,
            into: &writer)
        return writer.finish()
    }

    static func samples(_ text: String) -> Set<String> {
        Set(text.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") })
    }

    @Test func admissionIsFirstComeUpToTheLimit() {
        let admission = ClientLabelAdmission(limit: 2)
        #expect(admission.admit("") == ClientLabelAdmission.unlabelled)
        #expect(admission.admit("web") == 2)
        #expect(admission.admit("other") == ClientLabelAdmission.other, "a real 'other' shares the overflow")
        #expect(admission.admit("worker") == 3)
        #expect(admission.admit("cron") == ClientLabelAdmission.other)
        #expect(admission.admit("web") == 2)
        #expect(admission.labels == ["", "other", "web", "worker"])
        #expect(ClientLabelAdmission(limit: 0).admit("web") == ClientLabelAdmission.other)
    }

    @Test func namedConnectionsGetTheirLabelAndRenamesMoveLaterCommands() {
        let hub = Self.hub()
        let shard = hub.makeShard()
        shard.connectionOpened(id: 1, address: "127.0.0.1:5000")
        shard.connectionOpened(id: 2, address: "127.0.0.1:5001")
        shard.record(Events.make(["GET", "k"], reply: "$-1\r\n", connection: 1))
        shard.clientIdentified(id: 1, .name(Self.text("web")))
        shard.record(Events.make(["GET", "k"], reply: "$1\r\nv\r\n", connection: 1))
        shard.record(Events.make(["GET", "k"], reply: "-ERR x\r\n", connection: 1))
        shard.record(Events.make(["SET", "k", "v"], reply: "+OK\r\n", connection: 2))
        shard.clientIdentified(id: 1, .name(Self.text("we\"b\n")))
        shard.record(Events.make(["GET", "k"], reply: "$-1\r\n", connection: 1))
        shard.clientIdentified(id: 1, .name(Self.text("")))
        shard.record(Events.make(["GET", "k"], reply: "$-1\r\n", connection: 1))

        let snapshot = shard.snapshot()
        #expect(snapshot.commands.reduce(0, +) == 6, "the totals count every command")
        let samples = Self.samples(Self.render(hub, snapshot))
        for expected in [
            "redislens_commands_total{command=\"get\",category=\"read\"} 2",
            "redislens_commands_total{command=\"set\",category=\"write\"} 1",
            "redislens_commands_total{command=\"get\",category=\"read\",client=\"web\"} 2",
            "redislens_commands_total{command=\"get\",category=\"read\",client=\"we\\\"b\\\\x0a\"} 1",
            "redislens_command_errors_total{command=\"get\",category=\"read\",client=\"web\",error=\"ERR\"} 1",
            "redislens_command_duration_seconds_count{command=\"get\",category=\"read\",client=\"web\"} 2",
            "redislens_cache_hits_total{command=\"get\",client=\"web\"} 1",
            "redislens_cache_misses_total{command=\"get\"} 2",
            "redislens_cache_misses_total{command=\"get\",client=\"we\\\"b\\\\x0a\"} 1",
        ] {
            #expect(samples.contains(expected), "\(expected)")
        }
    }

    @Test func noNameRendersAsBefore() {
        let hub = Self.hub()
        let shard = hub.makeShard()
        let plain = hub.makeShard()
        for event in GoldenFixture.events {
            shard.record(event)
            plain.record(event)
        }
        shard.clientIdentified(id: 99, .libraryName(Self.text("redis-py")))
        #expect(Self.render(hub, shard.snapshot()) == Self.render(hub, plain.snapshot()))
    }

    @Test func mergingShardsWithAndWithoutLabelsKeepsEveryCount() {
        let hub = Self.hub()
        let labelled = hub.makeShard()
        let plain = hub.makeShard()
        labelled.clientIdentified(id: 1, .name(Self.text("web")))
        labelled.record(Events.make(["GET", "k"], reply: "$-1\r\n", connection: 1))
        labelled.record(Events.make(["GET", "k"], reply: "$-1\r\n", connection: 2))
        plain.record(Events.make(["GET", "k"], reply: "$-1\r\n", connection: 3))
        for order in [[plain, labelled], [labelled, plain]] {
            var merged = ShardSnapshot()
            for shard in order { merged.merge(shard.snapshot()) }
            let samples = Self.samples(Self.render(hub, merged))
            #expect(samples.contains("redislens_commands_total{command=\"get\",category=\"read\"} 2"))
            #expect(samples.contains("redislens_commands_total{command=\"get\",category=\"read\",client=\"web\"} 1"))
            #expect(merged.commands.reduce(0, +) == 3)
        }
    }

    @Test func libModeLabelsByLibraryNameAndNoneByNothing() {
        let lib = Self.hub(mode: .lib)
        let shard = lib.makeShard()
        shard.clientIdentified(id: 1, .name(Self.text("web")))
        shard.record(Events.make(["GET", "k"], reply: "$-1\r\n", connection: 1))
        shard.clientIdentified(id: 1, .libraryName(Self.text("redis-py")))
        shard.clientIdentified(id: 1, .libraryVersion(Self.text("5.2.1")))
        shard.record(Events.make(["GET", "k"], reply: "$-1\r\n", connection: 1))
        let samples = Self.samples(Self.render(lib, shard.snapshot()))
        #expect(samples.contains("redislens_commands_total{command=\"get\",category=\"read\"} 1"))
        #expect(samples.contains("redislens_commands_total{command=\"get\",category=\"read\",client=\"redis-py\"} 1"))

        let none = Self.hub(mode: .none)
        let quiet = none.makeShard()
        quiet.clientIdentified(id: 1, .name(Self.text("web")))
        quiet.record(Events.make(["GET", "k"], reply: "$-1\r\n", connection: 1))
        #expect(!Self.render(none, quiet.snapshot()).contains("client=\""))
    }

    @Test func clientsReportListsConnectionsLibrariesAndCounts() throws {
        let hub = Self.hub(limit: 1)
        let shard = hub.makeShard()
        for id in 1...25 { shard.connectionOpened(id: UInt64(id), address: "127.0.0.1:\(5000 + id)") }
        shard.clientIdentified(id: 1, .libraryName(Self.text("redis-py")))
        shard.clientIdentified(id: 1, .libraryVersion(Self.text("5.2.1")))
        shard.clientIdentified(id: 1, .name(Self.text("web")))
        shard.clientIdentified(id: 2, .name(Self.text("worker")))
        shard.record(Events.make(["GET", "k"], reply: "$1\r\nv\r\n", connection: 1))
        shard.record(Events.make(["GET", "k"], reply: "$-1\r\n", connection: 2))
        shard.record(Events.make(["GET", "k"], reply: "-ERR x\r\n", connection: 2))
        shard.clientIdentified(id: 3, .libraryName(Self.text("jedis")))
        shard.connectionClosed(id: 3)
        let report = ClientsReport(
            shard.snapshot(), usage: shard.clientUsage(), labels: hub.clientLabelValues, mode: .name, maxLabelled: 1)
        #expect(report.labelBy == "name" && report.maxLabelled == 1)
        #expect(report.clients.map(\.label) == ["other", "web", ""])
        let web = report.clients[1]
        #expect(web.connections == 1 && web.addresses == ["127.0.0.1:5001"] && web.libraries == ["redis-py 5.2.1"])
        #expect(web.commands == 1 && web.hits == 1 && web.misses == 0)
        let other = report.clients[0]
        #expect(other.commands == 2 && other.errors == 1 && other.misses == 1)
        let nobody = report.clients[2]
        #expect(nobody.connections == 22 && nobody.addressesTotal == 22 && nobody.addresses.count == 20)
        #expect(nobody.libraries == ["jedis"], "a closed connection's library stays seen")
        let json = report.json()
        #expect(json.contains("\"addresses_total\" : 22") && json.contains("\"label_by\" : \"name\""))
    }
}
