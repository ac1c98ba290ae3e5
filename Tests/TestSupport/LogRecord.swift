import Logging
import Synchronization

/// One entry a ``LogRecord`` kept.
public struct LogEntry: Sendable, Equatable, CustomStringConvertible {
    /// The entry's level.
    public var level: Logger.Level
    /// The message, as text.
    public var message: String
    /// The metadata, each value as text.
    public var metadata: [String: String]

    /// Creates an entry.
    public init(level: Logger.Level, message: String, metadata: [String: String]) {
        self.level = level
        self.message = message
        self.metadata = metadata
    }

    /// `level message metadata`.
    public var description: String { "\(level) \(message) \(metadata)" }
}

/// Keeps every entry logged through ``logger(label:)``, in order.
public final class LogRecord: Sendable {
    private let entries = Mutex<[LogEntry]>([])

    /// An empty record.
    public init() {}

    /// Everything logged so far.
    public var all: [LogEntry] { entries.withLock { $0 } }

    /// A logger (every level) whose entries this record keeps.
    public func logger(label: String) -> Logger {
        Logger(label: label) { _ in RecordingLogHandler(record: self) }
    }

    fileprivate func append(_ entry: LogEntry) { entries.withLock { $0.append(entry) } }
}

private struct RecordingLogHandler: LogHandler {
    let record: LogRecord
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let fields = (event.metadata ?? [:]).mapValues { "\($0)" }
        record.append(LogEntry(level: event.level, message: "\(event.message)", metadata: fields))
    }
}
