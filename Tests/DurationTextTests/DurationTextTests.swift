import DurationText
import Testing

@Suite struct DurationTextTests {
    @Test(
        "Every unit, and plain seconds",
        arguments: [
            ("250us", 250e-6), ("250µs", 250e-6), ("100ms", 0.1), ("0.5s", 0.5), ("2m", 120), ("1.5", 1.5), ("0", 0),
        ])
    func units(text: String, seconds: Double) {
        #expect(DurationText.seconds(text) == seconds)
    }

    @Test("Anything else is no duration", arguments: ["", "ms", "soon", "-1s", "1h", "inf", "nan", "1 s", "s1"])
    func rejects(text: String) {
        #expect(DurationText.seconds(text) == nil)
    }
}
