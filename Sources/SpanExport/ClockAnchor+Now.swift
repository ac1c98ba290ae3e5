import NIOCore
import Telemetry

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension ClockAnchor {
    /// The wall clock and the data path's monotonic clock (`NIODeadline`), read together.
    ///
    /// The wall clock is read between two monotonic readings, a few times; the tightest
    /// bracket wins and the wall reading is paired with its midpoint. A thread preempted
    /// between two plain readings (a busy machine) would otherwise shift every span's times
    /// by the length of the preemption.
    public static func now() -> ClockAnchor {
        var best: (gap: UInt64, anchor: ClockAnchor)?
        for _ in 0..<5 {
            let before = NIODeadline.now().uptimeNanoseconds
            var wall = timespec()
            clock_gettime(CLOCK_REALTIME, &wall)
            let after = NIODeadline.now().uptimeNanoseconds
            let gap = after &- before
            if best == nil || gap < best!.gap {
                let unix = UInt64(wall.tv_sec) * 1_000_000_000 + UInt64(wall.tv_nsec)
                best = (gap, ClockAnchor(unixNanos: unix, monotonicNanos: before &+ gap / 2))
            }
        }
        return best!.anchor
    }
}
