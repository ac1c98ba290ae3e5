import Foundation
import RedisCommands

/// The `/clients` document: per `client` label value, the connections open now, their
/// addresses, the libraries seen, and the commands, errors, hits and misses counted.
public struct ClientsReport: Encodable, Sendable {
    /// One label value.
    public struct Entry: Encodable, Sendable, Equatable {
        /// The label value: empty for connections without one, `other` past the limit.
        public var label: String
        /// Connections open now.
        public var connections: Int
        /// Some of their addresses (at most ``ClientUsage/addressLimit``).
        public var addresses: [String]
        /// How many addresses there are (``connections``).
        public var addressesTotal: Int
        /// Libraries (`name version`) seen, sorted.
        public var libraries: [String]
        /// Commands answered.
        public var commands: UInt64
        /// Error replies.
        public var errors: UInt64
        /// Cache hits.
        public var hits: UInt64
        /// Cache misses.
        public var misses: UInt64
    }

    /// What the label shows: `name`, `lib` or `none`.
    public var labelBy: String
    /// Label values admitted at most (`--max-clients-labelled`).
    public var maxLabelled: Int
    /// The label values, busiest first.
    public var clients: [Entry]

    /// The report from merged counters, merged usage (by label id) and the label values.
    public init(
        _ data: ShardSnapshot, usage: [ClientUsage], labels: [String], mode: ClientLabelMode, maxLabelled: Int
    ) {
        labelBy = mode.rawValue
        self.maxLabelled = maxLabelled
        let parts = data.byClient
        var entries: [Entry] = []
        for id in 0..<max(parts.count, usage.count) where id < max(labels.count, 1) {
            let part = id < parts.count ? parts[id] : ShardSnapshot()
            let use = id < usage.count ? usage[id] : ClientUsage()
            let commands = part.commands.reduce(0, &+)
            guard commands > 0 || use.connections > 0 || !use.libraries.isEmpty else { continue }
            entries.append(
                Entry(
                    label: id == 0 ? "" : labels[id], connections: use.connections, addresses: use.addresses,
                    addressesTotal: use.connections, libraries: use.libraries.sorted(), commands: commands,
                    errors: part.errors.reduce(0, &+), hits: part.hits.reduce(0, &+),
                    misses: part.misses.reduce(0, &+)))
        }
        clients = entries.sorted { ($0.commands, $1.label) > ($1.commands, $0.label) }
    }

    /// The report as pretty-printed JSON with snake_case keys.
    public func json() -> String {
        AdminJSON.encode(self)
    }
}
