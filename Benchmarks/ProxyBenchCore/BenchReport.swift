/// The results of a whole benchmark: the configuration and one summary per target.
public struct BenchReport: Sendable, Codable {
    /// What was run.
    public var configuration: ConfigurationSummary
    /// One entry per target, in the order given.
    public var targets: [TargetSummary]

    /// Summarises `samples[t][r]`: target `t`'s run in round `r`; ratios are to target 0
    /// in the same round.
    public init(options: BenchOptions, samples: [[RunSample]]) {
        precondition(samples.count == options.targets.count)
        configuration = ConfigurationSummary(options)
        let baseline = samples[0].map(\.opsPerSecond)
        targets = zip(options.targets, samples).map { target, runs in
            TargetSummary(target: target, runs: runs, baseline: baseline)
        }
    }
}
