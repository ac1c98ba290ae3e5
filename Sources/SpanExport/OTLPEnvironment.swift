/// Reads the OpenTelemetry exporter settings' text formats (`OTEL_EXPORTER_OTLP_*`).
public enum OTLPEnvironment {
    /// `key1=value1,key2=value2` (W3C baggage-like; values percent-decoded), as used by
    /// `OTEL_EXPORTER_OTLP_HEADERS` and `OTEL_RESOURCE_ATTRIBUTES`. Nil when an entry has
    /// no `=` or an empty key.
    public static func keyValueList(_ text: String) -> [(String, String)]? {
        var result: [(String, String)] = []
        for entry in text.split(separator: ",", omittingEmptySubsequences: true) {
            guard let equals = entry.firstIndex(of: "=") else { return nil }
            let key = entry[..<equals].trimmingSpaces
            let value = entry[entry.index(after: equals)...].trimmingSpaces
            guard !key.isEmpty else { return nil }
            result.append((percentDecoded(key), percentDecoded(value)))
        }
        return result
    }

    /// The traces URL from a base endpoint (`http://host:4318` → `http://host:4318/v1/traces`).
    public static func tracesURL(base: String) -> String {
        base.hasSuffix("/") ? base + "v1/traces" : base + "/v1/traces"
    }

    /// Whether `url` is an absolute `http://` or `https://` URL with a host.
    public static func isHTTPURL(_ url: String) -> Bool {
        for scheme in ["http://", "https://"] where url.lowercased().hasPrefix(scheme) {
            let rest = url.dropFirst(scheme.count)
            let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
            let host = authority.split(separator: "@").last ?? ""
            return !host.isEmpty && !host.hasPrefix(":") && !url.contains(" ")
        }
        return false
    }

    /// The URL without user information or query, for logs.
    public static func redacted(_ url: String) -> String {
        var text = Substring(url)
        if let query = text.firstIndex(where: { $0 == "?" || $0 == "#" }) { text = text[..<query] }
        guard let schemeEnd = text.range(of: "://") else { return String(text) }
        let rest = text[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        guard let at = rest[..<authorityEnd].lastIndex(of: "@") else { return String(text) }
        return String(text[..<schemeEnd.upperBound]) + "***@" + rest[rest.index(after: at)...]
    }

    static func percentDecoded(_ text: String) -> String {
        guard text.contains("%") else { return text }
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "%"), utf8.count >= 2,
                let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension Substring {
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
