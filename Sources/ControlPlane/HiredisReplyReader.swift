import CHiredis
import RESP

/// hiredis's reply parser (`redisReader`) fed with bytes a ``ControlPlaneTransport`` read:
/// hiredis parses, the proxy owns the socket. Each reply comes out as a ``RESP/RESPValue``.
///
/// What hiredis 0.14 reads: RESP2 only. Simple strings and bulk strings become
/// ``RESP/RESPValue/string(_:)`` (binary safe), errors ``RESP/RESPValue/error(_:)``,
/// integers ``RESP/RESPValue/integer(_:)``, null bulk strings and null arrays
/// ``RESP/RESPValue/null``, arrays ``RESP/RESPValue/array(_:)``. Any RESP3 type byte
/// (`%`, `~`, `_`, `,`, `#`, `(`, `=`, `!`, `>`, `|`) and arrays nested more than eight
/// deep (Redis 7's `COMMAND` reply uses exactly eight) are protocol errors: the control
/// plane never sends `HELLO 3`, so Redis answers it in RESP2.
///
/// Not thread-safe; owned by one connection.
public final class HiredisReplyReader {
    private let reader: UnsafeMutablePointer<redisReader>
    private var failure: ControlPlaneError?

    /// Creates an empty reader.
    public init() {
        guard let reader = redisReaderCreate() else { fatalError("hiredis could not allocate a reply reader") }
        self.reader = reader
    }

    deinit { redisReaderFree(reader) }

    /// Appends bytes read from the transport (hiredis copies them).
    public func feed(_ bytes: UnsafeRawBufferPointer) throws(ControlPlaneError) {
        if let failure { throw failure }
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        guard redisReaderFeed(reader, base.assumingMemoryBound(to: CChar.self), bytes.count) == REDIS_OK else {
            throw fail()
        }
    }

    /// Appends bytes (convenience for ``feed(_:)-(UnsafeRawBufferPointer)``).
    public func feed(_ bytes: [UInt8]) throws(ControlPlaneError) {
        let result: Result<Void, ControlPlaneError> = bytes.withUnsafeBytes { buffer in
            Result { () throws(ControlPlaneError) in try feed(buffer) }
        }
        try result.get()
    }

    /// The next complete reply, or nil until more bytes arrive. After a protocol error
    /// every call throws that error again.
    public func next() throws(ControlPlaneError) -> RESPValue? {
        if let failure { throw failure }
        var raw: UnsafeMutableRawPointer?
        guard redisReaderGetReply(reader, &raw) == REDIS_OK else { throw fail() }
        guard let raw else { return nil }
        defer { freeReplyObject(raw) }
        return Self.value(of: raw.assumingMemoryBound(to: redisReply.self))
    }

    private func fail() -> ControlPlaneError {
        let text = withUnsafeBytes(of: &reader.pointee.errstr) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
        let error = ControlPlaneError(.protocolError, text.isEmpty ? "unreadable reply" : text)
        failure = error
        return error
    }

    /// Converts a reply hiredis built (and still owns). The nesting is at most hiredis's
    /// limit, so the recursion is shallow.
    static func value(of reply: UnsafePointer<redisReply>) -> RESPValue {
        let reply = reply.pointee
        switch reply.type {
        case REDIS_REPLY_STRING, REDIS_REPLY_STATUS:
            return .string(Array(UnsafeRawBufferPointer(start: reply.str, count: reply.len)))
        case REDIS_REPLY_ERROR:
            return .error(String(decoding: UnsafeRawBufferPointer(start: reply.str, count: reply.len), as: UTF8.self))
        case REDIS_REPLY_INTEGER:
            return .integer(Int64(reply.integer))
        case REDIS_REPLY_ARRAY:
            return .array((0..<reply.elements).map { value(of: reply.element[$0]!) })
        default:  // REDIS_REPLY_NIL, the only other type hiredis 0.14 builds
            return .null
        }
    }
}
