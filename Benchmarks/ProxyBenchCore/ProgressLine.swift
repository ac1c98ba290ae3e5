import NIOCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A one-line progress display on stderr, redrawn in place a few times a second; made
/// only when stderr is a terminal.
final class ProgressLine: Sendable {
    private struct State {
        var label = ""
        var budget: RequestBudget?
        var startNanos: UInt64 = 0
    }

    private let state = Mutex(State())
    private let task = Mutex<Task<Void, Never>?>(nil)

    /// A progress line when stderr is a terminal, else nil.
    static func ifTerminal() -> ProgressLine? {
        isatty(STDERR_FILENO) == 1 ? ProgressLine() : nil
    }

    private init() {
        let task = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(250))
                self?.draw()
            }
        }
        self.task.withLock { $0 = task }
    }

    /// Names what runs now (`[2/3] lens`).
    func begin(_ label: String) {
        state.withLock { $0.label = label }
    }

    /// Counts the replies of `budget` from now on (nil: none).
    func track(_ budget: RequestBudget?) {
        let now = NIODeadline.now().uptimeNanoseconds
        state.withLock {
            $0.budget = budget
            $0.startNanos = now
        }
    }

    /// Stops redrawing and clears the line.
    func stop() {
        task.withLock { $0?.cancel() }
        write("\r\u{1B}[K")
    }

    private func draw() {
        let (label, budget, start) = state.withLock { ($0.label, $0.budget, $0.startNanos) }
        guard let budget else { return }
        let done = budget.completed.load(ordering: .relaxed)
        let seconds = Double(NIODeadline.now().uptimeNanoseconds - start) / 1e9
        let rate = seconds > 0 ? Int(Double(done) / seconds) : 0
        write("\r\u{1B}[K\(label): \(done) replies, \(rate) ops/s")
    }

    private func write(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            #if canImport(Glibc)
                _ = Glibc.write(STDERR_FILENO, bytes.baseAddress, bytes.count)
            #else
                _ = Darwin.write(STDERR_FILENO, bytes.baseAddress, bytes.count)
            #endif
        }
    }
}
