import NIOPosix

/// Runs a whole benchmark: sets up keys through every target, then measures each target
/// `--repeat` times, rotating their order every round.
public struct BenchRunner: Sendable {
    private let options: BenchOptions

    /// A runner for `options`.
    public init(options: BenchOptions) { self.options = options }

    /// Runs everything and returns the report; throws ``BenchRunError`` when a target fails.
    public func run(showProgress: Bool = false) async throws -> BenchReport {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: options.threads)
        let progress = showProgress ? ProgressLine.ifTerminal() : nil
        defer { progress?.stop() }
        do {
            let report = try await measure(group: group, progress: progress)
            try await group.shutdownGracefully()
            return report
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    private func measure(group: MultiThreadedEventLoopGroup, progress: ProgressLine?) async throws -> BenchReport {
        let runner = try await TargetRunner(options: options, group: group, progress: progress)
        for target in options.targets {
            progress?.begin("\(target.name): setting up keys")
            try await runner.prepopulate(target)
        }
        let targets = options.targets
        var samples = [[RunSample]](repeating: [], count: targets.count)
        for round in 0..<options.repeats {
            for index in Rotation.order(targets: targets.count, round: round) {
                let label = "[\(round + 1)/\(options.repeats)] \(targets[index].name)"
                samples[index].append(try await runner.run(targets[index], round: round, label: label))
            }
        }
        return BenchReport(options: options, samples: samples)
    }
}
