import NIOCore

/// Encodes a workload's requests, one at a time, straight into a buffer (no allocation
/// per request beyond buffer growth). Keys are `bench:k:N` (strings), `bench:h:N`
/// (hashes, field `f`), `bench:l:N` (lists) and `bench:c:N` (counters).
public struct RequestGenerator: Sendable {
    /// The workload being generated.
    public let workload: Workload
    /// Which keys reads and writes pick.
    public let keys: KeyPlan
    private let readRatio: Double
    private let valueSize: ValueSize
    private let mgetKeys: Int
    private var random: SplitMix64
    private var listToPop: Int?

    /// A generator for `options`, seeded with `seed` (give each connection its own).
    public init(options: BenchOptions, seed: UInt64) {
        self.workload = options.workload
        self.keys = KeyPlan(keyspace: options.keyspace, hitRatio: options.hitRatio)
        self.readRatio = options.readRatio
        self.valueSize = options.valueSize
        self.mgetKeys = options.mgetKeys
        self.random = SplitMix64(seed: seed)
    }

    /// Appends the next request to `buffer` and says how to read its reply.
    public mutating func writeNext(into buffer: inout ByteBuffer) -> RequestKind {
        switch workload {
        case .get:
            return writeGet(&buffer)
        case .set:
            writeSet(&buffer)
            return .other
        case .mixed:
            if random.unit() < readRatio { return writeGet(&buffer) }
            writeSet(&buffer)
            return .other
        case .incr:
            buffer.writeStaticString("*2\r\n$4\r\nINCR\r\n")
            buffer.writeKey("bench:c:", random.below(keys.keyspace))
            return .other
        case .lpushLpop:
            if let key = listToPop {
                listToPop = nil
                buffer.writeStaticString("*2\r\n$4\r\nLPOP\r\n")
                buffer.writeKey("bench:l:", key)
            } else {
                let key = random.below(keys.keyspace)
                listToPop = key
                buffer.writeStaticString("*3\r\n$5\r\nLPUSH\r\n")
                buffer.writeKey("bench:l:", key)
                buffer.writeValue(count: nextValueSize())
            }
            return .other
        case .hsetHget:
            if random.unit() < readRatio {
                buffer.writeStaticString("*3\r\n$4\r\nHGET\r\n")
                buffer.writeKey("bench:h:", keys.readKey(using: &random))
                buffer.writeStaticString("$1\r\nf\r\n")
                return .read
            }
            buffer.writeStaticString("*4\r\n$4\r\nHSET\r\n")
            buffer.writeKey("bench:h:", keys.writeKey(using: &random))
            buffer.writeStaticString("$1\r\nf\r\n")
            buffer.writeValue(count: nextValueSize())
            return .other
        case .mget:
            buffer.writeArrayHeader(mgetKeys + 1)
            buffer.writeStaticString("$4\r\nMGET\r\n")
            for _ in 0..<mgetKeys { buffer.writeKey("bench:k:", keys.readKey(using: &random)) }
            return .multiRead
        }
    }

    /// The size of the next written value.
    public mutating func nextValueSize() -> Int {
        valueSize.min == valueSize.max ? valueSize.min : valueSize.min + random.below(valueSize.max - valueSize.min + 1)
    }

    private mutating func writeGet(_ buffer: inout ByteBuffer) -> RequestKind {
        buffer.writeStaticString("*2\r\n$3\r\nGET\r\n")
        buffer.writeKey("bench:k:", keys.readKey(using: &random))
        return .read
    }

    private mutating func writeSet(_ buffer: inout ByteBuffer) {
        buffer.writeStaticString("*3\r\n$3\r\nSET\r\n")
        buffer.writeKey("bench:k:", keys.writeKey(using: &random))
        buffer.writeValue(count: nextValueSize())
    }
}
