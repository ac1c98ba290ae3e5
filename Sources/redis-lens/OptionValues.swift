import Proxy

/// Resolves one option: the flag if given, else `REDIS_LENS_<NAME>`, else the default,
/// and parses it with an error that names where the bad value came from.
struct OptionValues {
    let environment: [String: String]

    static func environmentName(_ flag: String) -> String {
        "REDIS_LENS_" + String(flag.uppercased().map { $0 == "-" ? "_" : $0 })
    }

    func parse<T>(
        _ flagValue: String?, _ flag: String, _ defaultValue: String,
        _ parser: (String) throws(ConfigurationError) -> T
    ) throws(ConfigurationError) -> T {
        let envName = Self.environmentName(flag)
        let (text, source): (String, String)
        if let flagValue {
            (text, source) = (flagValue, "--\(flag)")
        } else if let envValue = environment[envName] {
            (text, source) = (envValue, envName)
        } else {
            (text, source) = (defaultValue, "--\(flag)")
        }
        do {
            return try parser(text)
        } catch {
            throw ConfigurationError("invalid \(source): \(error.message)")
        }
    }

    /// The flag's value, else `REDIS_LENS_<NAME>`'s; nil when neither is set (or empty).
    func optional(_ flagValue: String?, _ flag: String) -> String? {
        let value = flagValue ?? environment[Self.environmentName(flag)]
        return value?.isEmpty == false ? value : nil
    }

    /// Whether the environment turns the on/off flag `--<flag>` on (`1`, `true` or `yes`).
    func isTrue(_ flag: String) -> Bool {
        ["1", "true", "yes"].contains(environment[Self.environmentName(flag)]?.lowercased() ?? "")
    }

    func integer(
        _ flagValue: String?, _ flag: String, _ defaultValue: Int, in range: ClosedRange<Int>
    ) throws(ConfigurationError) -> Int {
        try parse(flagValue, flag, String(defaultValue)) { text throws(ConfigurationError) in
            guard let value = Int(text), range.contains(value) else {
                throw ConfigurationError("'\(text)' is not a whole number in \(range.lowerBound)...\(range.upperBound)")
            }
            return value
        }
    }

    func seconds(_ flagValue: String?, _ flag: String, _ defaultValue: Double) throws(ConfigurationError) -> Double {
        try parse(flagValue, flag, String(defaultValue)) { text throws(ConfigurationError) in
            guard let value = Double(text), value.isFinite, value > 0, value <= 86_400 else {
                throw ConfigurationError("'\(text)' is not a number of seconds (greater than 0, at most 86400)")
            }
            return value
        }
    }
}
