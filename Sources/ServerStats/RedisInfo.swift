/// The fields of one `INFO` reply: `key:value` lines under `# Section` headers, split on
/// `\r\n` (or `\n`). Pure and tolerant: unknown fields are kept, lines that are not
/// `key:value` are skipped, and a last line without a line end is dropped (it may be cut
/// off). Values are kept as text and typed on request, so a field that is missing or not
/// a number reads as nil, never as zero.
public struct RedisInfo: Sendable, Equatable {
    /// Every `key:value` field, by key (keys are unique across INFO's sections).
    public private(set) var fields: [String: String] = [:]
    /// The section each field came from (`memory`, `stats`, ...), lowercased.
    public private(set) var sections: [String: String] = [:]
    /// The `keyspace` section's databases, by index.
    public private(set) var databases: [Int: KeyspaceEntry] = [:]

    /// An empty result.
    public init() {}

    /// Parses an INFO reply.
    public init<Bytes: Collection<UInt8>>(parsing bytes: Bytes) {
        var section = ""
        var line: [UInt8] = []
        line.reserveCapacity(128)
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                take(line, section: &section)
                line.removeAll(keepingCapacity: true)
            } else if line.count < 4096 {
                line.append(byte)
            }
        }
    }

    private mutating func take(_ line: [UInt8], section: inout String) {
        if line.first == UInt8(ascii: "#") {
            let name = line.dropFirst().drop { $0 == UInt8(ascii: " ") }
            section = String(decoding: name, as: UTF8.self).lowercased()
            return
        }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > 0,
            line[..<colon].allSatisfy(Self.isKeyByte)
        else { return }
        let key = String(decoding: line[..<colon], as: UTF8.self)
        let value = String(decoding: line[(colon + 1)...], as: UTF8.self)
        fields[key] = value
        sections[key] = section
        if key.hasPrefix("db"), let index = Int(key.dropFirst(2)), index >= 0, let entry = KeyspaceEntry(value) {
            databases[index] = entry
        }
    }

    private static func isKeyByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "."):
            return true
        default:
            return false
        }
    }

    /// A field as a finite number (`1.23`, `1048576`), or nil when missing or not a number.
    public func number(_ key: String) -> Double? {
        guard let text = fields[key], let value = Double(text), value.isFinite else { return nil }
        return value
    }

    /// A field's text, or nil when missing.
    public subscript(key: String) -> String? { fields[key] }

    /// The fields of one section (`memory`), by key.
    public func section(_ name: String) -> [String: String] {
        fields.filter { sections[$0.key] == name }
    }
}

/// One database line of INFO's keyspace section: `db0:keys=12,expires=3,avg_ttl=0`.
public struct KeyspaceEntry: Sendable, Equatable {
    /// Keys in the database.
    public var keys: Int
    /// Keys with an expiry.
    public var expires: Int
    /// Average time to live in milliseconds (0 when none expire).
    public var averageTTLMilliseconds: Int

    /// Parses the value part; nil when `keys` is missing or not a number.
    init?(_ text: String) {
        var values: [Substring: Int] = [:]
        for pair in text.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2, let number = Int(parts[1]) { values[parts[0]] = number }
        }
        guard let keys = values["keys"] else { return nil }
        self.keys = keys
        self.expires = values["expires"] ?? 0
        self.averageTTLMilliseconds = values["avg_ttl"] ?? 0
    }
}
