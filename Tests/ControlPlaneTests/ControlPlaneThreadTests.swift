import ControlPlane
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct ControlPlaneThreadBehaviour {
    @Test func jobsRunOneAfterAnotherOnTheThread() async throws {
        let thread = try ControlPlaneThread(name: "cp-test")
        let order = Mutex<[Int]>([])
        async let first: Bool = thread.run {
            order.withLock { $0.append(1) }
            return thread.isCurrent
        }
        let onThread = try await first
        try await thread.run { order.withLock { $0.append(2) } }
        #expect(onThread)
        #expect(!thread.isCurrent)
        #expect(order.withLock { $0 } == [1, 2])
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

extension String {
    fileprivate func trimmingSuffix() -> String {
        var text = self
        while text.last == "\n" { text.removeLast() }
        return text
    }
}
