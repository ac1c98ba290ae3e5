/// The fixed histogram buckets of `redislens_command_request_bytes` and
/// `redislens_command_reply_bytes`: powers of 4 from 16 B to 256 MiB, then +Inf.
public enum SizeBuckets {
    /// Upper bounds in bytes, as rendered in `le` labels.
    public static let bounds: [String] = (0..<13).map { String(16 << (2 * $0)) }

    /// Buckets per series, including the last (+Inf) one, as a literal so the per-command
    /// offsets that use it fold to constants.
    public static let count = 14

    /// The bucket a size falls in: no table, a leading-zero count (`count - 1` above 256 MiB).
    @inline(__always)
    public static func index(bytes: Int) -> Int {
        if bytes <= 16 { return 0 }
        // For 4^(i+1) < bytes <= 4^(i+2): (bit width of bytes - 1) is 2i+3 or 2i+4.
        let width = UInt64.bitWidth &- UInt64(truncatingIfNeeded: bytes &- 1).leadingZeroBitCount
        return Swift.min((width &- 3) >> 1, count &- 1)
    }
}
