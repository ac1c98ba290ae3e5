import RedisCommands

extension ClientText {
    /// The value as text for labels and JSON: printable ASCII kept, every other byte (and
    /// the backslash) as `\xNN`; `…` when cut at ``ClientText/capacity`` bytes.
    public var printable: String {
        let text = EscapedBytes.text(bytes)
        return isTruncated ? text + "…" : text
    }
}
