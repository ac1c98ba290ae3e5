/// Decides which commands the activity log shows: each with probability `ratio`,
/// independently, from a SplitMix64 stream (no allocation, no lock; one per event loop).
public struct ActivitySampler {
    private var state: UInt64
    private let threshold: UInt64
    private let always: Bool

    /// A sampler keeping a `ratio` (0...1) share of commands, seeded with `seed`.
    public init(ratio: Double, seed: UInt64) {
        self.state = seed
        self.always = ratio >= 1
        self.threshold = ratio <= 0 ? 0 : ratio >= 1 ? .max : UInt64(ratio * 18_446_744_073_709_551_616.0)
    }

    /// Whether the next command is sampled.
    public mutating func next() -> Bool {
        if always { return true }
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return (z ^ (z >> 31)) < threshold
    }
}
