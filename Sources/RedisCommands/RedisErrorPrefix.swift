import RESP

/// The first word of a Redis error reply, from a bounded set so it can be a label.
public enum RedisErrorPrefix: UInt8, Sendable, CaseIterable {
    case err, wrongtype, noauth, noperm, wrongpass, moved, ask, execabort, busy, busykey, busygroup
    case noscript, loading, readonly, masterdown, misconf, oom, noreplicas, crossslot, tryagain
    case clusterdown, nogroup, noproto, unblocked, unkillable, notbusy
    /// Any prefix not listed.
    case other

    /// The prefix as Redis writes it (`ERR`, `WRONGTYPE`, ...; `OTHER` for unknown ones).
    public var label: String { String(describing: self).uppercased() }

    /// Reads the prefix from the first bytes of an error reply (`ERR unknown command`).
    public init(errorText head: ByteHead) {
        var word = ByteHead()
        head.withUnsafeBytes { bytes in
            for byte in bytes {
                if byte == UInt8(ascii: " ") { break }
                word.append(byte)
            }
        }
        self = Self.known.first { word.equalsCaseInsensitive($0.staticLabel) } ?? .other
    }

    private static let known = allCases.filter { $0 != .other }

    private var staticLabel: StaticString {
        switch self {
        case .err: "ERR"
        case .wrongtype: "WRONGTYPE"
        case .noauth: "NOAUTH"
        case .noperm: "NOPERM"
        case .wrongpass: "WRONGPASS"
        case .moved: "MOVED"
        case .ask: "ASK"
        case .execabort: "EXECABORT"
        case .busy: "BUSY"
        case .busykey: "BUSYKEY"
        case .busygroup: "BUSYGROUP"
        case .noscript: "NOSCRIPT"
        case .loading: "LOADING"
        case .readonly: "READONLY"
        case .masterdown: "MASTERDOWN"
        case .misconf: "MISCONF"
        case .oom: "OOM"
        case .noreplicas: "NOREPLICAS"
        case .crossslot: "CROSSSLOT"
        case .tryagain: "TRYAGAIN"
        case .clusterdown: "CLUSTERDOWN"
        case .nogroup: "NOGROUP"
        case .noproto: "NOPROTO"
        case .unblocked: "UNBLOCKED"
        case .unkillable: "UNKILLABLE"
        case .notbusy: "NOTBUSY"
        case .other: "OTHER"
        }
    }
}
