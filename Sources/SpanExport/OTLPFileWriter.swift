#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Appends each export request as one line of JSON to a file (`--otlp-file`).
final class OTLPFileWriter {
    private let descriptor: Int32

    /// Opens (creating, appending to) `path`; nil with the system's reason when it cannot.
    init(path: String) throws(SpanExportError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw SpanExportError("cannot open --otlp-file \(path): \(String(cString: strerror(errno)))")
        }
        self.descriptor = descriptor
    }

    /// Writes `line` and a newline in one `write` (so lines stay whole).
    func append(_ line: [UInt8]) {
        var bytes = line
        bytes.append(UInt8(ascii: "\n"))
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 && errno == EINTR { continue }
                if written <= 0 { return }
                offset += written
            }
        }
    }

    deinit { close(descriptor) }
}

/// A failure of the span exporter to start, with a one-line message.
public struct SpanExportError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public var message: String

    /// Creates an error.
    public init(_ message: String) { self.message = message }

    /// Same as ``message``.
    public var description: String { message }
}
