import Telemetry
import Testing

@Suite struct WriterAndBuckets {
    @Test func bucketBoundsAreInclusive() {
        #expect(DurationBuckets.count == 18)
        #expect(DurationBuckets.bounds.count == DurationBuckets.boundsNanos.count)
        #expect(DurationBuckets.index(nanos: 0) == 0)
        #expect(DurationBuckets.index(nanos: 50_000) == 0)
        #expect(DurationBuckets.index(nanos: 50_001) == 1)
        #expect(DurationBuckets.index(nanos: 1_000_000) == 4)
        #expect(DurationBuckets.index(nanos: 10_000_000_000) == 16)
        #expect(DurationBuckets.index(nanos: 10_000_000_001) == 17)
        #expect(DurationBuckets.index(nanos: .max) == 17)
        #expect(DurationBuckets.count == DurationBuckets.boundsNanos.count + 1)
        for (index, nanos) in DurationBuckets.boundsNanos.enumerated() {
            #expect(Double(DurationBuckets.bounds[index]) == Double(nanos) / 1e9)
            // Each bound is the last duration of its bucket.
            #expect(DurationBuckets.index(nanos: nanos) == index)
            #expect(DurationBuckets.index(nanos: nanos + 1) == index + 1)
        }
    }

    @Test func labelValuesAreEscaped() {
        var writer = PrometheusWriter(openMetrics: false)
        writer.sample("m", [("a", "x\"y\\z\nw"), ("b", "plain")], UInt64(3))
        #expect(writer.finish() == "m{a=\"x\\\"y\\\\z\\nw\",b=\"plain\"} 3\n")
    }

    @Test func doublesAreFormatted() {
        var writer = PrometheusWriter(openMetrics: false)
        writer.sample("a", [], 2.0)
        writer.sample("b", [], 0.25)
        writer.sample("c", [], Double.infinity)
        writer.sample("d", [], -Double.infinity)
        writer.sample("e", [], Double.nan)
        #expect(writer.finish() == "a 2\nb 0.25\nc +Inf\nd -Inf\ne NaN\n")
    }

    @Test func contentTypes() {
        #expect(PrometheusWriter(openMetrics: false).contentType == "text/plain; version=0.0.4; charset=utf-8")
        #expect(
            PrometheusWriter(openMetrics: true).contentType
                == "application/openmetrics-text; version=1.0.0; charset=utf-8")
    }

    @Test func counterFamilyNames() {
        var prometheus = PrometheusWriter(openMetrics: false)
        prometheus.family("x_total", .counter, help: "X.")
        prometheus.family("y", .gauge, help: "Y.")
        #expect(prometheus.finish() == "# HELP x_total X.\n# TYPE x_total counter\n# HELP y Y.\n# TYPE y gauge\n")
        var openMetrics = PrometheusWriter(openMetrics: true)
        openMetrics.family("x_total", .counter, help: "X.")
        openMetrics.family("y_total", .gauge, help: "Y.")
        #expect(
            openMetrics.finish() == "# HELP x X.\n# TYPE x counter\n# HELP y_total Y.\n# TYPE y_total gauge\n# EOF\n")
    }
}
