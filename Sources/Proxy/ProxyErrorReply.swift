import NIOCore

/// The proxy's own error replies (`-ERR redis-lens: ...`), for things Redis never saw.
enum ProxyErrorReply {
    /// Appends `-<message>\r\n`, with any CR or LF in the message replaced by spaces.
    static func write(_ message: String, into buffer: inout ByteBuffer) {
        buffer.writeStaticString("-")
        for byte in message.utf8 {
            buffer.writeInteger(byte == 0x0D || byte == 0x0A ? 0x20 : byte)
        }
        buffer.writeStaticString("\r\n")
    }
}
