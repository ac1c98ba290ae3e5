import Logging
import NIOPosix
import ServiceLifecycleTestKit
import Synchronization
import Telemetry
import TestSupport
import Testing

@testable import LokiPush

extension ActivityLogCounters {
    /// `redislens_activity_log_pushed_total`, read from the exposition (it has no getter).
    var pushedCount: UInt64? {
        var writer = PrometheusWriter(openMetrics: false)
        render(into: &writer)
        let prefix = "redislens_activity_log_pushed_total "
        let line = writer.finish().split(separator: "\n").first { $0.hasPrefix(prefix) }
        return line.flatMap { UInt64($0.dropFirst(prefix.count)) }
    }
}

/// The pusher against a real HTTP server on loopback. Pushes are made to happen by a
/// graceful shutdown (the final flush) or awaited as they arrive; nothing sleeps.
@Suite(.timeLimit(.minutes(1))) struct LokiPusherPushes {
    static let base: UInt64 = 1_750_000_000_000_000_000

    func pusher(
        _ url: String, counters: ActivityLogCounters, logger: Logger = LogRecord().logger(label: "loki-push-tests"),
        capacity: Int = 10_000, interval: Duration = .seconds(600),
        shutdownGrace: Duration = LokiPusher.defaultShutdownGrace
    ) throws -> LokiPusher {
        LokiPusher(
            url: try #require(LokiURL(parsing: url)), group: MultiThreadedEventLoopGroup.singleton, counters: counters,
            logger: logger, capacity: capacity, interval: interval, shutdownGrace: shutdownGrace)
    }

    @Test func writeCountsQueuedLinesAndDropsPastTheCapacity() throws {
        let counters = ActivityLogCounters()
        let pusher = try pusher("http://127.0.0.1:9", counters: counters, capacity: 2)
        for n in 1...5 { pusher.write(line: "line \(n)", unixNanos: UInt64(n)) }
        #expect(counters.linesWritten == 2)
        #expect(counters.droppedCount(.queueFull) == 3)
        #expect(counters.droppedCount(.pushFailed) == 0 && counters.pushedCount == 0)
    }

    @Test func gracefulShutdownPushesTheQueueInBatchesOldestFirst() async throws {
        let receiver = try await LokiReceiver.start()
        let counters = ActivityLogCounters()
        let pusher = try pusher("http://127.0.0.1:\(receiver.port)/tenant-a/push", counters: counters)
        let total = LokiPusher.batchSize * 2 + 500
        for n in 0..<total { pusher.write(line: "{\"n\":\(n)}", unixNanos: Self.base + UInt64(n)) }
        try await testGracefulShutdown { trigger in
            trigger.triggerGracefulShutdown()
            try await pusher.run()
        }
        try await receiver.stop()

        let pushes = receiver.pushes
        #expect(pushes.map(\.method) == [.POST, .POST, .POST])
        #expect(pushes.allSatisfy { $0.uri == "/tenant-a/push" }, "a URL's own path is where it pushes")
        #expect(pushes.allSatisfy { $0.contentType == "application/json" })
        let bodies = try pushes.map { try ParsedPush(json: $0.body) }
        #expect(bodies.map(\.values.count) == [1000, 1000, 500])
        #expect(bodies.allSatisfy { $0.labels == Dictionary(uniqueKeysWithValues: LokiPusher.labels) })
        #expect(bodies.flatMap(\.lines) == (0..<total).map { "{\"n\":\($0)}" })
        #expect(bodies.flatMap(\.timestamps) == (0..<total).map { String(Self.base + UInt64($0)) })
        #expect(counters.pushedCount == UInt64(total))
        #expect(counters.linesWritten == UInt64(total))
        #expect(counters.droppedCount(.pushFailed) == 0 && counters.droppedCount(.queueFull) == 0)
    }

    @Test func aRefusedBatchIsDroppedNotRetriedAndTheNextPushRecovers() async throws {
        let receiver = try await LokiReceiver.start { $0 == 0 ? .internalServerError : .noContent }
        let counters = ActivityLogCounters()
        let logs = LogRecord()
        let pusher = try pusher(
            "http://127.0.0.1:\(receiver.port)", counters: counters, logger: logs.logger(label: "loki-push-tests"),
            interval: .milliseconds(10))
        pusher.write(line: "refused", unixNanos: 1)
        let (first, second) = try await testGracefulShutdown { trigger in
            var arrivals = receiver.arrivals.makeAsyncIterator()
            async let run: Void = pusher.run()
            // The periodic push; once it has arrived, a new line waits for the next one.
            let first = try #require(await arrivals.next())
            pusher.write(line: "accepted", unixNanos: 2)
            let second = try #require(await arrivals.next())
            trigger.triggerGracefulShutdown()
            try await run
            return (first, second)
        }
        try await receiver.stop()

        #expect(try ParsedPush(json: first.body).lines == ["refused"])
        #expect(try ParsedPush(json: second.body).lines == ["accepted"], "the refused line is gone, not retried")
        #expect(receiver.pushes.count == 2, "nothing left for the final flush")
        #expect(counters.droppedCount(.pushFailed) == 1)
        #expect(counters.pushedCount == 1)
        #expect(counters.linesWritten == 2)
        #expect(logs.all.map(\.level) == [.warning, .info])
        #expect(logs.all.map(\.message) == ["loki push failed", "loki push recovered"])
        #expect(logs.all.first?.metadata["lines"] == "1")
    }

    /// A graceful shutdown cuts the wait between pushes short, not a push Loki is answering.
    @Test func aPushInFlightAtShutdownCompletes() async throws {
        let answer = Gate()
        let receiver = try await LokiReceiver.start { _ in
            await answer.wait()
            return .noContent
        }
        let counters = ActivityLogCounters()
        let pusher = try pusher("http://127.0.0.1:\(receiver.port)", counters: counters, interval: .milliseconds(10))
        pusher.write(line: "in flight", unixNanos: 1)
        try await testGracefulShutdown { trigger in
            var arrivals = receiver.arrivals.makeAsyncIterator()
            async let run: Void = pusher.run()
            _ = try #require(await arrivals.next())
            trigger.triggerGracefulShutdown()
            answer.open()
            try await run
        }
        try await receiver.stop()
        #expect(receiver.pushes.count == 1)
        #expect(counters.pushedCount == 1)
        #expect(counters.droppedCount(.pushFailed) == 0)
    }

    /// A Loki that takes a push and never answers holds a graceful shutdown for the grace
    /// only: then the push in flight and the lines queued behind it are dropped, counted.
    @Test func aStuckPushAtShutdownIsDroppedWhenTheGraceRunsOut() async throws {
        let answer = Gate()
        let receiver = try await LokiReceiver.start { _ in
            await answer.wait()
            return .noContent
        }
        let counters = ActivityLogCounters()
        let logs = LogRecord()
        let grace = Duration.milliseconds(200)
        let pusher = try pusher(
            "http://127.0.0.1:\(receiver.port)", counters: counters, logger: logs.logger(label: "loki-push-tests"),
            interval: .milliseconds(10), shutdownGrace: grace)
        pusher.write(line: "stuck", unixNanos: 1)
        let clock = ContinuousClock()
        let waited = try await testGracefulShutdown { trigger in
            var arrivals = receiver.arrivals.makeAsyncIterator()
            async let run: Void = pusher.run()
            _ = try #require(await arrivals.next())
            pusher.write(line: "queued 1", unixNanos: 2)
            pusher.write(line: "queued 2", unixNanos: 3)
            let started = clock.now
            trigger.triggerGracefulShutdown()
            try await run
            return clock.now - started
        }
        answer.open()
        try await receiver.stop()
        #expect(waited >= grace, "the push in flight had its grace")
        #expect(receiver.pushes.count == 1, "nothing pushed once the grace ran out")
        #expect(counters.droppedCount(.pushFailed) == 3, "every line written is pushed or counted")
        #expect(counters.pushedCount == 0)
        #expect(logs.all.map(\.message) == ["loki push failed"])
        #expect(logs.all.first?.metadata["lines"] == "1")
        #expect(logs.all.first?.metadata["reason"].map { "\($0)".contains("shutdown grace") } == true)
    }

    /// At shutdown a failing Loki is not tried batch after batch: the first failure drops
    /// the rest of the queue, counted.
    @Test func aFailedFinalPushDropsAndCountsTheRest() async throws {
        let receiver = try await LokiReceiver.start { _ in .serviceUnavailable }
        let counters = ActivityLogCounters()
        let pusher = try pusher("http://127.0.0.1:\(receiver.port)", counters: counters)
        let total = LokiPusher.batchSize * 2 + 500
        for n in 0..<total { pusher.write(line: "line \(n)", unixNanos: UInt64(n)) }
        try await testGracefulShutdown { trigger in
            trigger.triggerGracefulShutdown()
            try await pusher.run()
        }
        try await receiver.stop()
        #expect(receiver.pushes.count == 1)
        #expect(counters.droppedCount(.pushFailed) == UInt64(total), "every line written is pushed or counted")
        #expect(counters.pushedCount == 0)
    }

    @Test func anUnreachableLokiDropsTheBatch() async throws {
        // A port that was just listening and no longer is.
        let closed = try await LokiReceiver.start()
        try await closed.stop()
        let counters = ActivityLogCounters()
        let logs = LogRecord()
        let pusher = try pusher(
            "http://127.0.0.1:\(closed.port)", counters: counters, logger: logs.logger(label: "loki-push-tests"))
        pusher.write(line: "a", unixNanos: 1)
        pusher.write(line: "b", unixNanos: 2)
        try await testGracefulShutdown { trigger in
            trigger.triggerGracefulShutdown()
            try await pusher.run()
        }
        #expect(counters.droppedCount(.pushFailed) == 2)
        #expect(counters.pushedCount == 0)
        #expect(logs.all.map(\.message) == ["loki push failed"])
        #expect(logs.all.first?.metadata["lines"] == "2")
    }
}
