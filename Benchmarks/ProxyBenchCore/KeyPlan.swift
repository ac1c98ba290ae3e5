/// Which keys reads and writes pick, and which keys exist before the runs.
///
/// Without a hit ratio, reads and writes pick uniformly among all `keyspace` keys and
/// nothing is set up. With a hit ratio `r`, the first `populated = round(r × keyspace)`
/// keys are written and the others deleted before the runs; reads still pick among all
/// keys, so a read hits with probability `populated / keyspace`, and writes pick only
/// among the populated keys (or key number `keyspace`, which no read picks, when none
/// is populated), so the runs never change which keys exist.
public struct KeyPlan: Sendable, Equatable {
    /// Distinct keys reads pick from.
    public let keyspace: Int
    /// Keys written before the runs; nil when there is no set-up.
    public let populated: Int?

    /// A plan for `keyspace` keys and an optional hit ratio.
    public init(keyspace: Int, hitRatio: Double?) {
        precondition(keyspace > 0)
        self.keyspace = keyspace
        self.populated = hitRatio.map { Int(($0 * Double(keyspace)).rounded()) }
    }

    /// The share of reads that hit, as set up (nil without set-up).
    public var expectedHitRatio: Double? { populated.map { Double($0) / Double(keyspace) } }

    /// The key number a read uses.
    @inline(__always)
    public func readKey(using random: inout SplitMix64) -> Int {
        random.below(keyspace)
    }

    /// The key number a write uses.
    @inline(__always)
    public func writeKey(using random: inout SplitMix64) -> Int {
        guard let populated else { return random.below(keyspace) }
        return populated > 0 ? random.below(populated) : keyspace
    }
}
