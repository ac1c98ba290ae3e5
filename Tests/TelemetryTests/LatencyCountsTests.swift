import Histogram
import Testing

@testable import Telemetry

@Suite struct LatencyCountsLayout {
    /// Values around every bucket edge up to the highest, plus pseudo-random ones.
    static let values: [UInt64] = {
        var values: [UInt64] = Array(0...600)
        var edge: UInt64 = 256
        while edge <= LatencyCounts.highestValue {
            values += [edge - 1, edge, edge + 1, edge + edge / 3]
            edge *= 2
        }
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<5_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            values.append((state >> 11) % (LatencyCounts.highestValue + 1))
        }
        values.append(LatencyCounts.highestValue)
        return values.filter { $0 <= LatencyCounts.highestValue }
    }()

    @Test func slotsRoundTripThroughTheirLowestValue() {
        for index in 0..<LatencyCounts.length {
            #expect(LatencyCounts.index(micros: LatencyCounts.lowestValue(at: index)) == index)
        }
        for value in Self.values {
            let index = LatencyCounts.index(micros: value)
            #expect(index >= 0 && index < LatencyCounts.length)
            #expect(LatencyCounts.lowestValue(at: index) <= value)
        }
    }

    @Test(arguments: [values, Array(values.prefix(1)), [0, 0, 7], [1_000_002, 1_000_003, 1_000_001]])
    func histogramEqualsTheLibraryRecordingEachValue(_ values: [UInt64]) {
        var library = LatencyCounts.emptyHistogram()
        let counts = LatencyCounts.allocate()
        defer { counts.deallocate() }
        for value in values {
            let recorded = library.record(value)
            #expect(recorded)
            LatencyCounts.record(value, in: counts)
        }
        let built = LatencyCounts.histogram(of: counts)
        #expect(built == library)
        #expect(built.min == library.min)
        #expect(built.maxRecorded == library.maxRecorded)
        for step in 0...200 {
            let percentile = Double(step) / 2
            #expect(built.valueAtPercentile(percentile) == library.valueAtPercentile(percentile))
        }
    }

    @Test func latenciesAboveTheHighestCountAsTheHighest() {
        let counts = LatencyCounts.allocate()
        defer { counts.deallocate() }
        LatencyCounts.record(.max, in: counts)
        let built = LatencyCounts.histogram(of: counts)
        #expect(built.totalCount == 1)
        #expect(built.maxRecorded == LatencyCounts.highestValue)
    }
}
