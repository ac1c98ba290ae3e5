import NIOCore

/// Pipelined wire bytes the benchmarks scan: exactly ``count`` frames each.
enum Fixtures {
    /// Frames per buffer, equal to the benchmarks' scaling factor (`.kilo`), so that one
    /// measured iteration scans each frame once and metrics read per frame.
    static let count = 1_000

    /// `SET user:<n> <16-byte value>` requests, as redis-benchmark and clients send them.
    static let setRequests: ByteBuffer = {
        var buffer = ByteBuffer()
        for number in 0..<count {
            let key = "user:\(number)"
            buffer.writeString("*3\r\n$3\r\nSET\r\n$\(key.utf8.count)\r\n\(key)\r\n$16\r\n0123456789abcdef\r\n")
        }
        return buffer
    }()

    /// `GET user:<n>` requests.
    static let getRequests: ByteBuffer = {
        var buffer = ByteBuffer()
        for number in 0..<count {
            let key = "user:\(number)"
            buffer.writeString("*2\r\n$3\r\nGET\r\n$\(key.utf8.count)\r\n\(key)\r\n")
        }
        return buffer
    }()

    /// A reply mix: `+OK`, a 16-byte bulk string, a null bulk, an integer, and a 10-element
    /// MGET array with nulls, in turn.
    static let replies: ByteBuffer = {
        let mget = "*10\r\n" + (0..<10).map { $0 % 3 == 0 ? "$-1\r\n" : "$3\r\nabc\r\n" }.joined()
        let kinds = ["+OK\r\n", "$16\r\n0123456789abcdef\r\n", "$-1\r\n", ":42\r\n", mget]
        var buffer = ByteBuffer()
        for number in 0..<count { buffer.writeString(kinds[number % kinds.count]) }
        return buffer
    }()
}
