import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The path of the command-line tool `name` (`redis-server`, `openssl`, ...): the first one on
/// `PATH`, else `/usr/bin/name`.
func executablePath(named name: String) -> String {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin"
    for directory in path.split(separator: ":") {
        let candidate = "\(directory)/\(name)"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return "/usr/bin/\(name)"
}

/// What a finished tool run printed, and how it ended.
struct ToolOutput {
    /// Its exit status (or the signal that ended it).
    var status: Int32
    /// Its standard output.
    var standardOutput: String
    /// Its standard error.
    var standardError: String
}

/// Runs the tool `name` with `arguments` and no standard input, and waits (at most `timeout`,
/// then kills it) for it to end.
///
/// Meant for tools that print little (a pipe holds 64 KiB): their output is read after they
/// end.
func runTool(_ name: String, _ arguments: [String], timeout: Duration = .seconds(30)) throws -> ToolOutput {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executablePath(named: name))
    process.arguments = arguments
    let output = Pipe()
    let errors = Pipe()
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    let deadline = ContinuousClock.now + timeout
    while process.isRunning {
        guard ContinuousClock.now < deadline else {
            process.terminate()
            process.waitUntilExit()
            throw TestFailure("\(name) \(arguments.joined(separator: " ")) did not end within \(timeout)")
        }
        usleep(2_000)
    }
    process.waitUntilExit()
    return ToolOutput(
        status: process.terminationStatus,
        standardOutput: String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self),
        standardError: String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    )
}

/// Runs the tool like ``runTool(_:_:timeout:)`` and returns its standard output; a non-zero
/// exit is a ``TestFailure`` quoting its standard error.
func runToolChecked(_ name: String, _ arguments: [String], timeout: Duration = .seconds(30)) throws -> String {
    let result = try runTool(name, arguments, timeout: timeout)
    guard result.status == 0 else {
        throw TestFailure(
            "\(name) \(arguments.joined(separator: " ")) failed (\(result.status)): \(result.standardError)"
        )
    }
    return result.standardOutput
}
