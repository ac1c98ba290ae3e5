import RESP

extension ByteHead {
    /// The bytes as text for labels and logs: printable ASCII kept, every other byte (and
    /// the backslash) as `\xNN`, so distinct byte strings stay distinct; `…` when cut at
    /// ``ByteHead/capacity`` bytes.
    public var printable: String {
        // Usually every byte is printable: one string made from the bytes in place (a span's
        // query text shows a key per kept command).
        let plain = withUnsafeBytes { raw -> String? in
            for byte in raw where byte < 0x20 || byte >= 0x7F || byte == UInt8(ascii: "\\") { return nil }
            return String(decoding: raw, as: UTF8.self)
        }
        if let plain { return isTruncated ? plain + "…" : plain }
        let text = EscapedBytes.text(bytes)
        return isTruncated ? text + "…" : text
    }
}
