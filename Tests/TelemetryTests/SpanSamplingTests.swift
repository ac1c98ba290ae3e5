import Testing

@testable import Telemetry

@Suite struct SpanSampling {
    @Test func ratioZeroKeepsOnlyErrorsAndSlow() {
        let sampler = SpanSampler(ratio: 0, keepSlow: true)
        #expect(!sampler.keep(traceIDLow: 0, isError: false, isSlow: false))
        #expect(sampler.keep(traceIDLow: 0, isError: true, isSlow: false))
        #expect(sampler.keep(traceIDLow: .max, isError: false, isSlow: true))
        #expect(!SpanSampler(ratio: 0, keepSlow: false).keep(traceIDLow: 0, isError: false, isSlow: true))
    }

    @Test func ratioOneKeepsEverything() {
        let sampler = SpanSampler(ratio: 1, keepSlow: false)
        #expect(sampler.keep(traceIDLow: .max, isError: false, isSlow: false))
        #expect(sampler.keep(traceIDLow: 0, isError: false, isSlow: false))
    }

    @Test func decisionIsTheIdBelowRatioTimesTwoToThe64() {
        let sampler = SpanSampler(ratio: 0.25, keepSlow: false)
        #expect(sampler.sampled(traceIDLow: 0x3fff_ffff_ffff_ffff))
        #expect(!sampler.sampled(traceIDLow: 0x4000_0000_0000_0000))
        #expect(sampler.sampled(traceIDLow: 0) && !sampler.sampled(traceIDLow: .max))
    }

    /// 200,000 ids from the generator at ratio 0.1: the kept count is binomial
    /// (mean 20,000, σ ≈ 134); a bound of 5σ fails by chance less than once in a million.
    @Test func generatedIdsGiveTheRatio() {
        var ids = TraceIDGenerator(seed: 7)
        let sampler = SpanSampler(ratio: 0.1, keepSlow: false)
        var kept = 0
        for _ in 0..<200_000 where sampler.sampled(traceIDLow: ids.next()) { kept += 1 }
        #expect(abs(kept - 20_000) < 670)
    }

    @Test func generatorNeverGivesZeroIdsAndDiffersBySeed() {
        var a = TraceIDGenerator(seed: 1)
        var b = TraceIDGenerator(seed: 2)
        var seen = Set<UInt64>()
        for _ in 0..<10_000 {
            let value = a.nextNonZero()
            #expect(value != 0)
            seen.insert(value)
        }
        #expect(seen.count == 10_000)
        var again = TraceIDGenerator(seed: 1)
        #expect(again.next() != b.next())
    }
}
