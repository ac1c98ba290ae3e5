import ControlPlane
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct ControlPlaneThreadBehaviour {
    /// Jobs submitted at once from many tasks all run on the thread, one at a time.
    @Test func jobsRunOneAtATimeOnTheThread() async throws {
        let thread = try ControlPlaneThread(name: "cp-test")
        let counts = JobCounts()
        let onThread = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<16 {
                group.addTask {
                    try await thread.run {
                        let now = counts.running.add(1, ordering: .sequentiallyConsistent).newValue
                        _ = counts.mostAtOnce.max(now, ordering: .sequentiallyConsistent)
                        // Long enough for another thread's job to overlap, were it allowed to.
                        let end = ContinuousClock.now + .microseconds(500)
                        while ContinuousClock.now < end {}
                        counts.running.subtract(1, ordering: .sequentiallyConsistent)
                        return thread.isCurrent
                    }
                }
            }
            return try await group.reduce(true) { $0 && $1 }
        }
        #expect(onThread)
        #expect(counts.mostAtOnce.load(ordering: .sequentiallyConsistent) == 1)
        #expect(!thread.isCurrent)
        await thread.shutdown()
    }

    @Test func theThreadIsNamed() async throws {
        let thread = try ControlPlaneThread(name: "cp-named-thread-long")
        let name = try await thread.run { () -> String in
            var buffer = [UInt8](repeating: 0, count: 32)
            let descriptor = open("/proc/thread-self/comm", O_RDONLY)
            defer { close(descriptor) }
            let count = read(descriptor, &buffer, 31)
            return String(decoding: buffer.prefix(max(count, 0)), as: UTF8.self).trimmingSuffix()
        }
        #expect(name == "cp-named-thread")
        await thread.shutdown()
    }

    @Test func afterShutdownJobsAreRefused() async throws {
        let thread = try ControlPlaneThread()
        var ran = 0
        for index in 0..<5 { ran += try await thread.run { index } }
        await thread.shutdown()
        #expect(ran == 10)
        await #expect(throws: CancellationError.self) { try await thread.run { 1 } }
        await thread.shutdown()  // a second call returns at once
    }
}

/// Jobs running now, and the most that ever ran at once.
private final class JobCounts: Sendable {
    let running = Atomic<Int>(0)
    let mostAtOnce = Atomic<Int>(0)
}

extension String {
    fileprivate func trimmingSuffix() -> String {
        var text = self
        while text.last == "\n" { text.removeLast() }
        return text
    }
}
