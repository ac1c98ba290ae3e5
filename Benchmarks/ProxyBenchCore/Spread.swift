/// The median and range of a quantity over repeated runs.
public struct Spread: Sendable, Equatable, Codable {
    /// The median (the mean of the two middle values for an even count).
    public var median: Double
    /// The smallest value.
    public var min: Double
    /// The largest value.
    public var max: Double

    /// A spread with the given values.
    public init(median: Double, min: Double, max: Double) {
        self.median = median
        self.min = min
        self.max = max
    }

    /// The spread of `values` (not empty).
    public init(_ values: [Double]) {
        precondition(!values.isEmpty)
        let sorted = values.sorted()
        let middle = sorted.count / 2
        median = sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        min = sorted[0]
        max = sorted[sorted.count - 1]
    }

    /// The spread of per-repeat ratios `values[i] / baseline[i]` (pairs measured in the
    /// same round); nil when a baseline is zero.
    public static func ratios(_ values: [Double], to baseline: [Double]) -> Spread? {
        precondition(values.count == baseline.count && !values.isEmpty)
        guard !baseline.contains(0) else { return nil }
        return Spread(zip(values, baseline).map { $0 / $1 })
    }
}
