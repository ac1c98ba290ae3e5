/// The size of written values: fixed, or drawn uniformly from a range for each write.
public struct ValueSize: Sendable, Equatable, Codable {
    /// Smallest size in bytes.
    public var min: Int
    /// Largest size in bytes.
    public var max: Int

    /// The largest value a run may write (64 MiB).
    public static let limit = 64 * 1024 * 1024

    /// A size range; `min <= max`.
    public init(min: Int, max: Int) {
        precondition(min >= 0 && min <= max)
        self.min = min
        self.max = max
    }

    /// Parses `N` (fixed) or `MIN-MAX` (bytes, at most 64 MiB).
    public init(parsing text: String) throws(BenchUsageError) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        let numbers = parts.compactMap { Int($0) }
        guard parts.count <= 2, numbers.count == parts.count,
            let low = numbers.first, let high = numbers.last,
            low >= 0, low <= high, high <= Self.limit
        else {
            throw BenchUsageError("'\(text)' is not a size in bytes N or MIN-MAX (0...\(Self.limit), MIN <= MAX)")
        }
        self.init(min: low, max: high)
    }

    /// `3` or `64-1024`.
    public var description: String { min == max ? "\(min)" : "\(min)-\(max)" }
}
