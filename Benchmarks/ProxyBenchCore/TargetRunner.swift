import NIOCore
import NIOPosix

/// Runs measured runs against targets on a fixed set of event loops, each with one
/// ``LoopRecorder``.
final class TargetRunner: Sendable {
    private let options: BenchOptions
    private let loops: [any EventLoop]
    private let recorders: [NIOLoopBound<LoopRecorder>]
    private let progress: ProgressLine?

    init(options: BenchOptions, group: MultiThreadedEventLoopGroup, progress: ProgressLine?) async throws {
        self.options = options
        self.progress = progress
        var loops: [any EventLoop] = []
        for loop in group.makeIterator() { loops.append(loop) }
        self.loops = loops
        var recorders: [NIOLoopBound<LoopRecorder>] = []
        for loop in loops {
            recorders.append(try await loop.submit { NIOLoopBound(LoopRecorder(), eventLoop: loop) }.get())
        }
        self.recorders = recorders
    }

    /// Writes the hit-ratio set-up keys through `target` (nothing without `--hit-ratio`).
    func prepopulate(_ target: BenchTarget) async throws {
        let batches = Prepopulation.batches(for: options)
        guard !batches.isEmpty else { return }
        let loop = loops[0]
        let connector = Connector(target: target, connectTimeout: options.connectTimeout)
        let name = target.name
        let channel = try await connector.connect(on: loop) { BatchConnection(target: name) }
        defer { channel.close(promise: nil) }
        for batch in batches {
            try await loop.flatSubmit {
                do {
                    return try channel.pipeline.syncOperations.handler(type: BatchConnection.self)
                        .send(batch, on: loop)
                } catch {
                    return loop.makeFailedFuture(error)
                }
            }.get()
        }
    }

    /// One measured run (after the warm-up) of `target`; `round` seeds the key choices.
    func run(_ target: BenchTarget, round: Int, label: String) async throws -> RunSample {
        let channels = try await connectAll(target, round: round)
        defer { for channel in channels { channel.close(promise: nil) } }
        if options.warmup > 0 {
            progress?.begin("\(label) warm-up")
            try await runPhase(channels, requests: nil, seconds: options.warmup)
        }
        try await forEachRecorder { $0.reset() }
        progress?.begin(label)
        switch options.stop {
        case .requests(let count): try await runPhase(channels, requests: count, seconds: nil)
        case .duration(let seconds): try await runPhase(channels, requests: nil, seconds: seconds)
        }
        var total = RunSample()
        for (loop, recorder) in zip(loops, recorders) {
            total.merge(try await loop.submit { recorder.value.sample }.get())
        }
        return total
    }

    private func connectAll(_ target: BenchTarget, round: Int) async throws -> [any Channel] {
        let connector = Connector(target: target, connectTimeout: options.connectTimeout)
        var channels: [any Channel] = []
        do {
            // In waves, so that many connections do not overflow the server's accept backlog.
            for waveStart in stride(from: 0, to: options.connections, by: 128) {
                let wave = waveStart..<min(waveStart + 128, options.connections)
                try await withThrowingTaskGroup(of: (any Channel).self) { group in
                    for index in wave {
                        group.addTask { try await self.connect(connector, index: index, round: round) }
                    }
                    for try await channel in group { channels.append(channel) }
                }
            }
        } catch {
            for channel in channels { channel.close(promise: nil) }
            throw error
        }
        return channels
    }

    private func connect(_ connector: Connector, index: Int, round: Int) async throws -> any Channel {
        let loop = loops[index % loops.count]
        let recorder = recorders[index % loops.count]
        let seed = options.seed &+ UInt64(round) &* 1_000_003 &+ UInt64(index) &* 7_919
        let generator = RequestGenerator(options: options, seed: seed)
        let name = connector.target.name
        let pipeline = options.pipeline
        return try await connector.connect(on: loop) {
            BenchConnection(target: name, pipeline: pipeline, generator: generator, recorder: recorder.value)
        }
    }

    private func runPhase(_ channels: [any Channel], requests: Int?, seconds: Double?) async throws {
        let start = NIODeadline.now().uptimeNanoseconds
        let deadline = seconds.map { start &+ UInt64($0 * 1e9) } ?? .max
        let budget = RequestBudget(requests: requests, deadlineNanos: deadline)
        progress?.track(budget)
        defer { progress?.track(nil) }
        let interval = options.rate.map { max(UInt64(Double(options.pipeline * channels.count) * 1e9 / $0), 1) }
        var futures: [EventLoopFuture<Void>] = []
        for (index, channel) in channels.enumerated() {
            let offset = interval.map { $0 * UInt64(index) / UInt64(channels.count) } ?? 0
            let phase = RunPhase(budget: budget, intervalNanos: interval, firstIntendedNanos: start &+ offset)
            let loop = channel.eventLoop
            futures.append(
                loop.flatSubmit {
                    do {
                        return try channel.pipeline.syncOperations.handler(type: BenchConnection.self)
                            .start(phase, on: loop)
                    } catch {
                        return loop.makeFailedFuture(error)
                    }
                })
        }
        for future in futures { try await future.get() }
    }

    private func forEachRecorder(_ body: @escaping @Sendable (LoopRecorder) -> Void) async throws {
        for (loop, recorder) in zip(loops, recorders) {
            try await loop.submit { body(recorder.value) }.get()
        }
    }
}
