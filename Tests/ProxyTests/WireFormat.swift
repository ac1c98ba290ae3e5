import RESP
import TestSupport

/// Bytes compared in tests and printed with control bytes escaped.
struct Wire: Equatable, CustomStringConvertible {
    var bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    init(_ text: String) { self.bytes = Array(text.utf8) }

    var text: String { String(decoding: bytes, as: UTF8.self) }

    var description: String {
        var text = ""
        for byte in bytes.prefix(2_000) {
            switch byte {
            case 0x0D: text += "\\r"
            case 0x0A: text += "\\n"
            case 0x20..<0x7F: text += String(UnicodeScalar(byte))
            default: text += "\\x" + (byte < 16 ? "0" : "") + String(byte, radix: 16)
            }
        }
        return bytes.count > 2_000 ? text + "... (\(bytes.count) bytes)" : text
    }

    func hasPrefix(_ prefix: String) -> Bool { bytes.starts(with: prefix.utf8) }
}

/// The payload of a bulk (`$n`) or verbatim (`=n`) string reply, as text.
func bulkText(_ reply: [UInt8]) -> String {
    guard let lineEnd = reply.firstIndex(of: 0x0A), reply.count >= lineEnd + 3 else { return "" }
    var payload = reply[(lineEnd + 1)..<(reply.count - 2)]
    if reply.first == UInt8(ascii: "=") { payload = payload.dropFirst(4) }
    return String(decoding: payload, as: UTF8.self)
}

/// The value of `:n` integer replies.
func integerValue(_ reply: [UInt8]) -> Int? {
    guard reply.first == UInt8(ascii: ":"), reply.count >= 3 else { return nil }
    return Int(String(decoding: reply[1..<(reply.count - 2)], as: UTF8.self))
}

/// Splits bytes into complete RESP reply frames; fails if bytes are left over.
func frames(in bytes: [UInt8]) throws -> [Wire] {
    var scanner = RESPScanner(mode: .reply)
    var result: [Wire] = []
    try bytes.withUnsafeBytes { raw in
        var offset = 0
        var start = 0
        while try scanner.next(raw, offset: &offset) != nil {
            result.append(Wire(Array(bytes[start..<offset])))
            start = offset
        }
        if start != bytes.count { throw TestFailure("\(bytes.count - start) bytes after the last complete frame") }
    }
    return result
}
