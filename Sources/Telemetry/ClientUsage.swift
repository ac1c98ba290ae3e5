/// Who is connected under one `client` label value, for `/clients`: open connections,
/// some of their addresses, and the libraries seen.
public struct ClientUsage: Sendable, Equatable {
    /// Addresses kept per label value.
    public static let addressLimit = 20
    /// Libraries kept per label value.
    public static let libraryLimit = 20

    /// Connections open now.
    public var connections = 0
    /// Addresses of open connections (at most ``addressLimit``).
    public var addresses: [String] = []
    /// Libraries (`name version`) of connections open now, or closed under this label value
    /// (at most ``libraryLimit``).
    public var libraries: Set<String> = []

    /// Nobody yet.
    public init() {}

    /// Counts one open connection at `address`.
    mutating func add(address: String) {
        connections += 1
        if addresses.count < Self.addressLimit { addresses.append(address) }
    }

    /// Notes a library seen.
    mutating func add(library: String) {
        if libraries.count < Self.libraryLimit || libraries.contains(library) { libraries.insert(library) }
    }

    /// Adds another shard's usage.
    public mutating func merge(_ other: ClientUsage) {
        connections += other.connections
        addresses += other.addresses.prefix(max(Self.addressLimit - addresses.count, 0))
        for library in other.libraries { add(library: library) }
    }

    /// Adds each label id's usage of `other` to this list's.
    public static func merge(_ list: inout [ClientUsage], _ other: [ClientUsage]) {
        if list.count < other.count { list += Array(repeating: ClientUsage(), count: other.count - list.count) }
        for (id, usage) in other.enumerated() { list[id].merge(usage) }
    }
}
