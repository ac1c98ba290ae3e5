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

    /// Writes `line` and a newline in one `writev` (so lines stay whole); a short write
    /// goes on from where it stopped.
    func append(_ line: UnsafeRawBufferPointer) {
        var newline = UInt8(ascii: "\n")
        withUnsafeMutableBytes(of: &newline) { newlineBytes in
            let parts = [
                iovec(iov_base: UnsafeMutableRawPointer(mutating: line.baseAddress), iov_len: line.count),
                iovec(iov_base: newlineBytes.baseAddress, iov_len: 1),
            ]
            var skip = 0  // bytes of `parts` already written
            let total = line.count + 1
            while skip < total {
                var rest = parts
                var index = 0
                var left = skip
                while left >= rest[index].iov_len {
                    left -= rest[index].iov_len
                    index += 1
                }
                rest[index].iov_base = rest[index].iov_base.map { $0 + left }
                rest[index].iov_len -= left
                let written = rest[index...].withUnsafeBufferPointer {
                    writev(descriptor, $0.baseAddress, Int32($0.count))
                }
                if written < 0 && errno == EINTR { continue }
                if written <= 0 { return }
                skip += written
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
