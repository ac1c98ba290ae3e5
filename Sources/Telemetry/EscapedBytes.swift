/// Bytes as text for labels, JSON and logs: printable ASCII as it is, every other byte (and
/// the backslash) as `\xNN`, so distinct byte strings stay distinct texts.
enum EscapedBytes {
    /// The escaped text of `bytes`.
    static func text(_ bytes: some Sequence<UInt8>) -> String {
        var text = ""
        for byte in bytes {
            if byte >= 0x20 && byte < 0x7F && byte != UInt8(ascii: "\\") {
                text.unicodeScalars.append(UnicodeScalar(byte))
            } else {
                text += "\\x" + (byte < 16 ? "0" : "") + String(byte, radix: 16)
            }
        }
        return text
    }
}
