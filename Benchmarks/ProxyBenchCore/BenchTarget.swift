/// One endpoint to benchmark: a name for the report and a TCP address.
public struct BenchTarget: Sendable, Equatable {
    /// The name shown in the report (`direct`, `lens`, ...).
    public var name: String
    /// Host name or IP address.
    public var host: String
    /// TCP port.
    public var port: Int

    /// Creates a target.
    public init(name: String, host: String, port: Int) {
        self.name = name
        self.host = host
        self.port = port
    }

    /// Parses `name=host:port`, `host:port`, `name=port` or `port` (host 127.0.0.1); the
    /// name defaults to the address. IPv6 hosts go in brackets: `v6=[::1]:6379`.
    public init(parsing text: String) throws(BenchUsageError) {
        var name: String?
        var address = Substring(text)
        if let equals = text.firstIndex(of: "=") {
            name = String(text[..<equals])
            address = text[text.index(after: equals)...]
            guard let name, !name.isEmpty else { throw BenchUsageError("'\(text)' has an empty name before '='") }
        }
        var host = "127.0.0.1"
        var portText = address
        if address.hasPrefix("[") {
            guard let close = address.firstIndex(of: "]") else {
                throw BenchUsageError("'\(text)' has no ']' after an IPv6 address")
            }
            host = String(address[address.index(after: address.startIndex)..<close])
            let rest = address[address.index(after: close)...]
            guard rest.hasPrefix(":") else { throw BenchUsageError("'\(text)' has no ':PORT' after ']'") }
            portText = rest.dropFirst()
        } else if let colon = address.lastIndex(of: ":") {
            host = String(address[..<colon])
            portText = address[address.index(after: colon)...]
        }
        guard !host.isEmpty else { throw BenchUsageError("'\(text)' has an empty host") }
        guard let port = Int(portText), (1...65_535).contains(port) else {
            throw BenchUsageError("'\(text)' is not NAME=HOST:PORT with a port in 1...65535")
        }
        self.init(name: name ?? String(address), host: host, port: port)
    }

    /// `host:port` (`[host]:port` for IPv6).
    public var address: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
