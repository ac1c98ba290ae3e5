import Foundation

/// What `promtool check metrics` says of an exposition: its exit status and its output
/// (lint findings, one a line).
public func promtoolCheck(_ exposition: String) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executablePath(named: "promtool"))
    process.arguments = ["check", "metrics"]
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = output
    try process.run()
    // Written from another thread: promtool may answer before it read everything.
    let writer = Thread {
        input.fileHandleForWriting.write(Data(exposition.utf8))
        try? input.fileHandleForWriting.close()
    }
    writer.start()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return (process.terminationStatus, text)
}
