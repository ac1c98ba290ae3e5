#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The clock of `CommandEvent`'s timestamps (`CLOCK_MONOTONIC`, as `NIODeadline`), for
/// placing them in wall-clock time.
public enum MonotonicClock {
    /// Nanoseconds on the monotonic clock, now.
    public static func nanos() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec)
    }
}
