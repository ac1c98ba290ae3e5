import NIOCore
import Telemetry

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension ClockAnchor {
    /// The wall clock and the data path's monotonic clock (`NIODeadline`), read together.
    public static func now() -> ClockAnchor {
        var wall = timespec()
        clock_gettime(CLOCK_REALTIME, &wall)
        let monotonic = NIODeadline.now().uptimeNanoseconds
        return ClockAnchor(
            unixNanos: UInt64(wall.tv_sec) * 1_000_000_000 + UInt64(wall.tv_nsec), monotonicNanos: monotonic)
    }
}
