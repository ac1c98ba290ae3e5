import CHiredis

#if canImport(Glibc)
    import Glibc
#endif

/// One blocking hiredis connection with connect and command timeouts. hiredis blocks the
/// calling thread, so this is only ever used on the poller's own thread.
final class HiredisConnection {
    /// A reply, reduced to what the poller needs.
    enum Reply: Equatable {
        case text([UInt8])
        case error(String)
        case other(Int32)
    }

    private let context: UnsafeMutablePointer<redisContext>

    /// Connects; `timeoutSeconds` bounds the connect and, afterwards, every command.
    init(host: String, port: Int, timeoutSeconds: Double) throws(InfoPollError) {
        let timeout = Self.timeval(seconds: timeoutSeconds)
        guard let context = redisConnectWithTimeout(host, Int32(port), timeout) else {
            throw InfoPollError(.connect, "cannot allocate a hiredis context")
        }
        if context.pointee.err != 0 {
            let error = Self.error(of: context, connecting: true)
            redisFree(context)
            throw error
        }
        redisSetTimeout(context, timeout)
        self.context = context
    }

    deinit { redisFree(context) }

    /// Sends one command (binary-safe arguments, through `redisCommandArgv`: C variadics
    /// do not import) and waits for its reply.
    func command(_ arguments: [String]) throws(InfoPollError) -> Reply {
        let copies = arguments.map { argument in
            argument.utf8CString.withUnsafeBufferPointer { buffer in
                let copy = UnsafeMutablePointer<CChar>.allocate(capacity: buffer.count)
                copy.initialize(from: buffer.baseAddress!, count: buffer.count)
                return copy
            }
        }
        defer { copies.forEach { $0.deallocate() } }
        var pointers = copies.map { UnsafePointer<CChar>?(UnsafePointer($0)) }
        var lengths = arguments.map { $0.utf8.count }
        let raw = redisCommandArgv(context, Int32(arguments.count), &pointers, &lengths)
        guard let raw else { throw Self.error(of: context, connecting: false) }
        defer { freeReplyObject(raw) }
        let reply = raw.assumingMemoryBound(to: redisReply.self).pointee
        switch reply.type {
        case REDIS_REPLY_STRING, REDIS_REPLY_STATUS:
            let bytes = UnsafeRawBufferPointer(start: reply.str, count: Int(reply.len))
            return .text(Array(bytes))
        case REDIS_REPLY_ERROR:
            return .error(String(cString: reply.str))
        default:
            return .other(reply.type)
        }
    }

    private static func error(of context: UnsafeMutablePointer<redisContext>, connecting: Bool) -> InfoPollError {
        let message = withUnsafeBytes(of: &context.pointee.errstr) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
        let lowered = message.lowercased()
        if lowered.contains("timed out") || lowered.contains("temporarily unavailable") {
            return InfoPollError(.timeout, message)
        }
        return InfoPollError(connecting ? .connect : .connectionLost, message.isEmpty ? "unknown error" : message)
    }

    private static func timeval(seconds: Double) -> timeval {
        let whole = seconds.rounded(.down)
        return Glibc.timeval(tv_sec: Int(whole), tv_usec: Int((seconds - whole) * 1_000_000))
    }
}
