import Dispatch

#if canImport(Glibc)
    import Glibc
#endif

/// The terminal `redis-lens top` draws on: the alternate screen with the cursor hidden, and
/// the keyboard without line editing or echo, so `q` arrives alone. ``leave()`` restores
/// both. Plain escape codes only (no terminfo), so it works over SSH in any xterm-like
/// terminal.
final class TopTerminal {
    private var saved: termios?
    private var entered = false

    /// Columns and rows (`TIOCGWINSZ`; `COLUMNS`/`LINES`, else 80×24, when not a terminal).
    var size: (width: Int, height: Int) {
        var window = winsize()
        let status = withUnsafeMutablePointer(to: &window) { ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), $0) }
        if status == 0, window.ws_col > 0, window.ws_row > 0 {
            return (Int(window.ws_col), Int(window.ws_row))
        }
        let environment = ProcessInfo.environment
        return (
            environment["COLUMNS"].flatMap { Int($0) } ?? 80, environment["LINES"].flatMap { Int($0) } ?? 24
        )
    }

    /// Saves the keyboard settings, turns off line editing and echo (signals stay on: Ctrl-C
    /// still interrupts), and switches to the alternate screen.
    func enter() {
        var settings = termios()
        if isatty(STDIN_FILENO) == 1, tcgetattr(STDIN_FILENO, &settings) == 0 {
            saved = settings
            settings.c_lflag &= ~tcflag_t(ICANON | ECHO)
            tcsetattr(STDIN_FILENO, TCSANOW, &settings)
        }
        FileOutput.write("\u{1B}[?1049h\u{1B}[?25l\u{1B}[H\u{1B}[2J", to: STDOUT_FILENO)
        entered = true
    }

    /// Shows the cursor, leaves the alternate screen and restores the keyboard settings.
    func leave() {
        guard entered else { return }
        entered = false
        FileOutput.write("\u{1B}[0m\u{1B}[?25h\u{1B}[?1049l", to: STDOUT_FILENO)
        if var settings = saved { tcsetattr(STDIN_FILENO, TCSANOW, &settings) }
    }

    /// Draws `lines` from the top-left corner, clearing what each line does not cover.
    func draw(_ lines: [String]) {
        let text = "\u{1B}[H" + lines.map { $0 + "\u{1B}[K" }.joined(separator: "\r\n") + "\u{1B}[J"
        FileOutput.write(text, to: STDOUT_FILENO)
    }
}

/// Signals as bytes on a pipe, so the loop that waits for the keyboard with `poll` also
/// wakes for them: `q` for SIGINT, SIGTERM and SIGHUP (quit, restoring the terminal), `w`
/// for SIGWINCH (redraw at the new size). The handlers run on Dispatch's queue; the
/// signals' default actions are turned off while this lives.
final class TopSignals {
    /// Read end of the pipe.
    let descriptor: Int32
    private let writeEnd: Int32
    private var sources: [any DispatchSourceSignal] = []

    init() {
        var ends: [Int32] = [-1, -1]
        if pipe(&ends) == 0 {
            for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
            _ = fcntl(ends[0], F_SETFL, O_NONBLOCK)
        }
        descriptor = ends[0]
        writeEnd = ends[1]
        let writeEnd = self.writeEnd
        for (signalNumber, byte) in [(SIGINT, "q"), (SIGTERM, "q"), (SIGHUP, "q"), (SIGWINCH, "w")] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            let value = byte.utf8.first!
            source.setEventHandler {
                var value = value
                _ = write(writeEnd, &value, 1)
            }
            source.resume()
            sources.append(source)
        }
    }

    deinit {
        for source in sources { source.cancel() }
        close(descriptor)
        close(writeEnd)
    }

    /// The signals' bytes waiting on the pipe.
    func drain() -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        return count > 0 ? Array(buffer[0..<count]) : []
    }
}
