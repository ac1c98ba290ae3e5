import NIOCore

/// The set-up of a hit ratio: the requests that write the first `populated` keys and
/// delete the others, in batches small enough to pipeline on one connection.
public struct Prepopulation: Sendable {
    /// One pipelined batch: its bytes and how many replies it is owed.
    public struct Batch: Sendable {
        /// The encoded requests.
        public var bytes: ByteBuffer
        /// Requests in `bytes`.
        public var requests: Int
    }

    /// Requests per batch.
    public static let batchSize = 1_000
    /// Keys per `DEL`.
    public static let keysPerDelete = 100

    /// The batches for `options`, or none when it sets no hit ratio.
    public static func batches(for options: BenchOptions) -> [Batch] {
        let plan = KeyPlan(keyspace: options.keyspace, hitRatio: options.hitRatio)
        guard let populated = plan.populated else { return [] }
        let isHash = options.workload == .hsetHget
        let prefix: StaticString = isHash ? "bench:h:" : "bench:k:"
        var sizes = RequestGenerator(options: options, seed: options.seed ^ 0x5EED)
        var batches: [Batch] = []
        var current = Batch(bytes: ByteBuffer(), requests: 0)
        func finishIfFull(force: Bool = false) {
            if current.requests >= batchSize || (force && current.requests > 0) {
                batches.append(current)
                current = Batch(bytes: ByteBuffer(), requests: 0)
            }
        }
        for key in 0..<populated {
            if isHash {
                current.bytes.writeStaticString("*4\r\n$4\r\nHSET\r\n")
                current.bytes.writeKey(prefix, key)
                current.bytes.writeStaticString("$1\r\nf\r\n")
            } else {
                current.bytes.writeStaticString("*3\r\n$3\r\nSET\r\n")
                current.bytes.writeKey(prefix, key)
            }
            current.bytes.writeValue(count: sizes.nextValueSize())
            current.requests += 1
            finishIfFull()
        }
        var key = populated
        while key < plan.keyspace {
            let count = min(keysPerDelete, plan.keyspace - key)
            current.bytes.writeArrayHeader(count + 1)
            current.bytes.writeStaticString("$3\r\nDEL\r\n")
            for number in key..<(key + count) { current.bytes.writeKey(prefix, number) }
            current.requests += 1
            key += count
            finishIfFull()
        }
        finishIfFull(force: true)
        return batches
    }
}
