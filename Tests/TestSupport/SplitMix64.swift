/// A tiny deterministic pseudo-random generator (SplitMix64), so random tests replay
/// identically from their seed on every platform and toolchain.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator starting from `seed`.
    public init(seed: UInt64) {
        state = seed
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

    /// A value in `range`, which must be narrower than `Int.max` (the modulo bias is
    /// irrelevant for tests).
    public mutating func int(_ range: ClosedRange<Int>) -> Int {
        let width = UInt64(range.upperBound - range.lowerBound) + 1
        return range.lowerBound + Int(next() % width)
    }

    /// True with probability `percent` / 100.
    public mutating func chance(_ percent: Int) -> Bool {
        int(0...99) < percent
    }

    /// One random byte.
    public mutating func byte() -> UInt8 {
        UInt8(truncatingIfNeeded: next())
    }

    /// `count` random bytes.
    public mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in byte() }
    }

    /// Printable ASCII without CR or LF, as a RESP simple string may hold.
    public mutating func text(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8(int(0x20...0x7E)) }
    }

    /// A string of `length` random letters, digits, `_` and `-`.
    public mutating func word(length: Int) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
        return String((0..<length).map { _ in alphabet[Int(next() % UInt64(alphabet.count))] })
    }

    /// One of `choices` (not empty).
    public mutating func element<T>(_ choices: [T]) -> T {
        choices[int(0...(choices.count - 1))]
    }

    /// Ascending cut points that split `length` bytes into pieces of random sizes.
    public mutating func cuts(length: Int) -> [Int] {
        var cuts: [Int] = []
        var position = 0
        while true {
            switch int(0...9) {
            case 0...5: position += int(1...16)
            case 6...8: position += int(1...600)
            default: position += int(1...8192)
            }
            guard position < length else { return cuts }
            cuts.append(position)
        }
    }
}
