import NIOCore

/// Monotonic nanoseconds, read once per read event (not per command) on the data path.
enum MonotonicClock {
    @inline(__always)
    static func now() -> UInt64 { NIODeadline.now().uptimeNanoseconds }
}
