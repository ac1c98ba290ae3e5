/// A bad command-line value: reported as one line on stderr, exit code 2.
public struct BenchUsageError: Error, Equatable, CustomStringConvertible {
    /// The one-line message (without the program name).
    public let message: String

    /// Creates the error.
    public init(_ message: String) { self.message = message }

    /// The message.
    public var description: String { message }
}

/// A failure while benchmarking (a target refused, closed, or answered garbage): exit code 1.
public struct BenchRunError: Error, CustomStringConvertible {
    /// The one-line message (without the program name).
    public let message: String

    /// Creates the error.
    public init(_ message: String) { self.message = message }

    /// The message.
    public var description: String { message }
}
