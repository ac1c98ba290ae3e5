import DurationText

/// Resolves one option: the flag if given, else `REDIS_PROXY_BENCH_<NAME>`, else the
/// default, and parses it with an error naming where the bad value came from.
struct OptionValues {
    let environment: [String: String]

    static func environmentName(_ flag: String) -> String {
        "REDIS_PROXY_BENCH_" + String(flag.uppercased().map { $0 == "-" ? "_" : $0 })
    }

    /// The raw text and where it came from, or nil when neither flag nor variable is set.
    func text(_ flagValue: String?, _ flag: String) -> (text: String, source: String)? {
        if let flagValue { return (flagValue, "--\(flag)") }
        let name = Self.environmentName(flag)
        if let value = environment[name] { return (value, name) }
        return nil
    }

    func parse<T>(
        _ flagValue: String?, _ flag: String, _ parser: (String) throws(BenchUsageError) -> T
    ) throws(BenchUsageError) -> T? {
        guard let (text, source) = text(flagValue, flag) else { return nil }
        do {
            return try parser(text)
        } catch {
            throw BenchUsageError("invalid \(source): \(error.message)")
        }
    }

    func integer(
        _ flagValue: String?, _ flag: String, _ defaultValue: Int, in range: ClosedRange<Int>
    ) throws(BenchUsageError) -> Int {
        try optionalInteger(flagValue, flag, in: range) ?? defaultValue
    }

    func optionalInteger(
        _ flagValue: String?, _ flag: String, in range: ClosedRange<Int>
    ) throws(BenchUsageError) -> Int? {
        try parse(flagValue, flag) { text throws(BenchUsageError) in
            guard let value = Int(text), range.contains(value) else {
                throw BenchUsageError("'\(text)' is not a whole number in \(range.lowerBound)...\(range.upperBound)")
            }
            return value
        }
    }

    func fraction(_ flagValue: String?, _ flag: String) throws(BenchUsageError) -> Double? {
        try parse(flagValue, flag) { text throws(BenchUsageError) in
            guard let value = Double(text), value >= 0, value <= 1 else {
                throw BenchUsageError("'\(text)' is not a fraction in 0...1")
            }
            return value
        }
    }

    func duration(_ flagValue: String?, _ flag: String, allowZero: Bool) throws(BenchUsageError) -> Double? {
        try parse(flagValue, flag) { text throws(BenchUsageError) in
            let seconds = try Self.seconds(text)
            guard seconds > 0 || (allowZero && seconds == 0) else {
                throw BenchUsageError("'\(text)' is not a duration greater than 0")
            }
            return seconds
        }
    }

    /// `500ms`, `10s`, `2m`, `250us` or a plain number of seconds (at most one day).
    static func seconds(_ text: String) throws(BenchUsageError) -> Double {
        guard let seconds = DurationText.seconds(text), seconds <= 86_400 else {
            throw BenchUsageError("'\(text)' is not a duration (500ms, 10s, 2m, or seconds; at most 1 day)")
        }
        return seconds
    }
}
