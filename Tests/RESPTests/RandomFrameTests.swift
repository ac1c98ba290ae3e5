import RESP
import TestSupport
import Testing

@Suite("Random frames")
struct RandomFrameTests {
    static let seeds: [UInt64] = [1, 0x5EED, 0xDEAD_BEEF_CAFE_F00D]

    /// The index of the first differing frame, or nil when `actual` equals `expected`.
    private func firstMismatch(_ actual: [RESPFrame], _ expected: [RESPFrame]) -> Int? {
        for index in 0..<max(actual.count, expected.count) {
            let left = index < actual.count ? actual[index] : nil
            let right = index < expected.count ? expected[index] : nil
            if left != right { return index }
        }
        return nil
    }

    private func check(
        frames: [[UInt8]],
        expected: [RESPFrame],
        mode: RESPScanner.Mode,
        random: inout SplitMix64
    ) {
        let bytes = frames.flatMap { $0 }
        let outcomes = [
            scan(bytes, mode: mode),
            scan(bytes, mode: mode, cuts: random.cuts(length: bytes.count)),
            scan(bytes, mode: mode, cuts: random.cuts(length: bytes.count)),
        ]
        for outcome in outcomes {
            #expect(outcome.error == nil)
            #expect(outcome.frames.count == frames.count)
            #expect(outcome.summaries.map(\.byteCount) == frames.map(\.count))
            #expect(outcome.frames.map(\.end) == ends(of: expected))
            #expect(outcome.frames.last?.end == bytes.count)
            #expect(outcome.atBoundary)
            #expect(outcome.offsetsValid)
            if let index = firstMismatch(outcome.summaries, expected) {
                let got = index < outcome.frames.count ? outcome.frames[index].description : "nothing"
                let wanted =
                    index < expected.count ? ScannedFrame(frame: expected[index], end: 0).description : "nothing"
                Issue.record("frame \(index): got \(got), expected \(wanted)")
            }
        }
    }

    @Test("Random replies up to depth 5, fed whole and in random chunks", arguments: seeds)
    func replies(seed: UInt64) {
        var generator = ReplyGenerator(random: SplitMix64(seed: seed))
        let values = (0..<1200).map { _ in generator.value() }
        var random = SplitMix64(seed: ~seed)
        check(frames: values.map(\.encoded), expected: values.map(\.expectedSummary), mode: .reply, random: &random)
    }

    @Test("Random requests, fed whole and in random chunks", arguments: seeds)
    func requests(seed: UInt64) {
        var generator = RequestGenerator(random: SplitMix64(seed: seed))
        let requests = (0..<1200).map { _ in generator.request() }
        var random = SplitMix64(seed: ~seed)
        check(frames: requests.map(\.bytes), expected: requests.map(\.summary), mode: .request, random: &random)
    }

    @Test("The generators cover every reply type and nesting up to depth 5")
    func generatorCoverage() {
        var generator = ReplyGenerator(random: SplitMix64(seed: Self.seeds[0]))
        var types = Set<RESPType>()
        var sawStreamedString = false
        var sawStreamedAggregate = false
        var sawAttribute = false
        var deepest = 0
        func visit(_ value: RESPValue, depth: Int) {
            deepest = max(deepest, depth)
            switch value {
            case .line(let type, _), .blob(let type, _): types.insert(type)
            case .integer: types.insert(.integer)
            case .nullBulk, .streamedString:
                types.insert(.bulkString)
                if case .streamedString = value { sawStreamedString = true }
            case .nullArray: types.insert(.array)
            case .null: types.insert(.null)
            case .aggregate(let type, let elements), .streamedAggregate(let type, let elements):
                types.insert(type)
                if case .streamedAggregate = value { sawStreamedAggregate = true }
                for element in elements { visit(element, depth: depth + 1) }
            case .attributed(let attribute, let described):
                sawAttribute = true
                for element in attribute { visit(element, depth: depth + 1) }
                visit(described, depth: depth)
            }
        }
        for _ in 0..<1200 { visit(generator.value(), depth: 0) }
        let all: Set<RESPType> = [
            .simpleString, .simpleError, .integer, .bulkString, .array, .null, .boolean, .double, .bigNumber,
            .blobError, .verbatimString, .map, .set, .push,
        ]
        #expect(types == all)
        #expect(sawStreamedString && sawStreamedAggregate && sawAttribute)
        #expect(deepest == 5)
    }
}
