import RedisCommands

extension ClientText {
    /// The value as text for labels and JSON: printable ASCII kept, every other byte (and
    /// the backslash) as `\xNN`; `…` when cut at ``ClientText/capacity`` bytes.
    public var printable: String {
        var text = ""
        for byte in bytes {
            if byte >= 0x20 && byte < 0x7F && byte != UInt8(ascii: "\\") {
                text.unicodeScalars.append(UnicodeScalar(byte))
            } else {
                text += "\\x" + (byte < 16 ? "0" : "") + String(byte, radix: 16)
            }
        }
        return isTruncated ? text + "…" : text
    }
}
