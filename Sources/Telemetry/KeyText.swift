import RESP

/// A key as text for `/hotkeys`, `/bigkeys` and metric labels: printable ASCII as it is,
/// every other byte (and the backslash) as `\xNN`; the stored bytes only (at most
/// ``ByteHead/capacity``, within the 64 shown at most), ``ByteHead/isTruncated`` telling
/// whether the key was longer.
enum KeyText {
    /// The escaped stored bytes of `key`.
    static func escaped(_ key: ByteHead) -> String {
        EscapedBytes.text(key.bytes.prefix(64))
    }

    /// A metric label value: ``escaped(_:)``, and for a truncated key `…` and 8 hex digits
    /// of its fingerprint, so keys that share their stored bytes stay distinct series.
    static func label(_ key: ByteHead) -> String {
        guard key.isTruncated else { return escaped(key) }
        let hex = String(key.fingerprint >> 32, radix: 16)
        return escaped(key) + "…" + String(repeating: "0", count: 8 - hex.count) + hex
    }
}
