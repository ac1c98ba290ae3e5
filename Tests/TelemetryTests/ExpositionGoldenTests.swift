import Telemetry
import Testing

@Suite struct ExpositionGolden {
    @Test func prometheusTextMatchesExactly() {
        let text = GoldenFixture.render(openMetrics: false)
        #expect(text == GoldenFixture.prometheus)
    }

    @Test func openMetricsTextMatchesExactly() {
        let text = GoldenFixture.render(openMetrics: true)
        #expect(text == GoldenFixture.openMetrics)
    }

    @Test(arguments: [false, true])
    func renderingTwiceGivesIdenticalText(openMetrics: Bool) {
        #expect(GoldenFixture.render(openMetrics: openMetrics) == GoldenFixture.render(openMetrics: openMetrics))
    }

    @Test func renderingOneSnapshotTwiceGivesIdenticalText() {
        let hub = makeHub(prefixes: prefixSettings())
        let shard = hub.makeShard()
        for event in GoldenFixture.events { shard.record(event) }
        let snapshot = shard.snapshot()
        var first = PrometheusWriter(openMetrics: false)
        var second = PrometheusWriter(openMetrics: false)
        CommandMetricsRenderer.render(snapshot, table: hub.commandTable, prefixLabels: hub.prefixLabels, into: &first)
        CommandMetricsRenderer.render(snapshot, table: hub.commandTable, prefixLabels: hub.prefixLabels, into: &second)
        #expect(first.finish() == second.finish())
    }
}
