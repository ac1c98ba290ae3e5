/// A cheap, allocation-free source of random trace and span ids for one event loop
/// (wyrand: one add and one 128-bit multiply per 64 bits). Not cryptographic: ids only
/// need to be unique and uniformly spread so that sampling by id is honest.
public struct TraceIDGenerator {
    private var state: UInt64

    /// Seeds from the system's random source.
    public init() {
        var system = SystemRandomNumberGenerator()
        self.state = system.next()
    }

    /// Seeds from `seed` (for reproducible tests).
    public init(seed: UInt64) { self.state = seed }

    /// The next 64 random bits.
    @inline(__always)
    public mutating func next() -> UInt64 {
        state &+= 0xa076_1d64_78bd_642f
        let product = state.multipliedFullWidth(by: state ^ 0xe703_7ed1_a0b4_28db)
        return product.high ^ product.low
    }

    /// The next non-zero 64 bits (span ids and trace ids must not be all zero).
    @inline(__always)
    public mutating func nextNonZero() -> UInt64 {
        var value = next()
        while value == 0 { value = next() }
        return value
    }
}
