import TestSupport

/// Polls `condition` until it holds, failing with `TestFailure` after `timeout`.
func waitUntil(
    _ what: String,
    timeout: Duration = .seconds(10),
    every interval: Duration = .milliseconds(5),
    _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while try await !condition() {
        guard ContinuousClock.now < deadline else {
            throw TestFailure("timed out after \(timeout) waiting for \(what)")
        }
        try await Task.sleep(for: interval)
    }
}

/// Milliseconds left until `deadline` (at least 0), for `poll(2)`.
func millisecondsLeft(until deadline: ContinuousClock.Instant) -> Int32 {
    let left = deadline - ContinuousClock.now
    guard left > .zero else { return 0 }
    let (seconds, attoseconds) = left.components
    return Int32(min(seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1, 60_000))
}
