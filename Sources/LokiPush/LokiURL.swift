/// Where to push: an `http://` or `https://` URL. A URL with no path (or `/`) gets
/// Loki's push path, `/loki/api/v1/push`; any other path is used as given.
public struct LokiURL: Sendable, Equatable {
    /// The full push URL.
    public let url: String

    /// Parses `text`, or returns nil when it is not an http(s) URL with a host.
    public init?(parsing text: String) {
        let lower = text.lowercased()
        guard let scheme = ["http://", "https://"].first(where: { lower.hasPrefix($0) }) else { return nil }
        let rest = text.dropFirst(scheme.count)
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let host = authority.split(separator: "@").last ?? ""
        guard !host.isEmpty, !host.hasPrefix(":"), !text.contains(" "), !authority.contains("@") else { return nil }
        let path = rest.dropFirst(authority.count)
        url = path.isEmpty || path == "/" ? scheme + authority + "/loki/api/v1/push" : text
    }
}
