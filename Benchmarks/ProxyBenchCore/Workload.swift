/// The commands a run sends.
public enum Workload: String, Sendable, CaseIterable, Codable {
    /// `GET key`.
    case get
    /// `SET key value`.
    case set
    /// `GET` with probability `--read-ratio`, else `SET`.
    case mixed
    /// `INCR key`.
    case incr
    /// `LPUSH key value` then `LPOP key` on the same key, alternating.
    case lpushLpop = "lpush-lpop"
    /// `HGET key field` with probability `--read-ratio`, else `HSET key field value`.
    case hsetHget = "hset-hget"
    /// `MGET key1 ... keyN` (`--mget-keys` keys).
    case mget

    /// Parses a workload name; `lpush/lpop` and `hset/hget` are accepted too.
    public init(parsing text: String) throws(BenchUsageError) {
        let normalized = String(text.lowercased().map { $0 == "/" ? "-" : $0 })
        guard let workload = Workload(rawValue: normalized) else {
            let names = Workload.allCases.map(\.rawValue).joined(separator: ", ")
            throw BenchUsageError("'\(text)' is not a workload (\(names))")
        }
        self = workload
    }

    /// Whether the workload reads keys whose hit share `--hit-ratio` can set.
    public var readsKeys: Bool { self == .get || self == .mixed || self == .mget || self == .hsetHget }

    /// Whether `--read-ratio` applies.
    public var usesReadRatio: Bool { self == .mixed || self == .hsetHget }

    /// Whether the workload writes values (so `--value-size` applies).
    public var writesValues: Bool { self != .get && self != .incr && self != .mget }
}
