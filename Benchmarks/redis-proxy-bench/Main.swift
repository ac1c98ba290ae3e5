import ArgumentParser
import Foundation
import ProxyBenchCore

/// Entry point: parse and validate (bad input: one line on stderr, exit 2), benchmark,
/// print the table or JSON on stdout (a failing target: one line, exit 1).
@main
enum Main {
    static func main() async {
        let options: BenchOptions
        do {
            let command = try BenchCommand.parse(Array(CommandLine.arguments.dropFirst()))
            options = try command.options(environment: ProcessInfo.processInfo.environment)
        } catch let error as BenchUsageError {
            fail(error.message, code: 2)
        } catch {
            if BenchCommand.exitCode(for: error) == .success { BenchCommand.exit(withError: error) }
            let message = BenchCommand.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            fail(message, code: 2)
        }
        do {
            let report = try await BenchRunner(options: options).run(showProgress: true)
            print(options.json ? report.json() : report.table(), terminator: "")
            if options.json { print() }
        } catch {
            fail("\(error)", code: 1)
        }
    }

    static func fail(_ message: String, code: Int32) -> Never {
        FileHandle.standardError.write(Data("redis-proxy-bench: error: \(message)\n".utf8))
        exit(code)
    }
}
