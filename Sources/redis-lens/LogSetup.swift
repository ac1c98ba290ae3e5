import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How log lines are written.
enum LogFormat: String, Sendable {
    /// One JSON object per line.
    case json
    /// swift-log's plain text lines.
    case text
    /// Text on a terminal, JSON otherwise (containers, files).
    case auto
}

/// Installs the process-wide log handler, writing to standard output.
enum LogSetup {
    static func bootstrap(format: LogFormat, level: Logger.Level) {
        let json = format == .json || (format == .auto && isatty(STDOUT_FILENO) == 0)
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler =
                json ? JSONLogHandler(label: label) : StreamLogHandler.standardOutput(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
