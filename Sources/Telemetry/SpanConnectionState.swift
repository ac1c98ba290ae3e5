import RedisCommands

/// What the span observer remembers about one client connection: where it comes from,
/// its current database, and the transaction it has open. A class: the observer looks it
/// up for every command, and a reference costs no copy of the (large) transaction buffer.
final class SpanConnectionState {
    /// The connection's ends (the client's address without the port, `127.0.0.1`, `::1`),
    /// copied into every span of it.
    let peer: SpanPeer
    /// The database `SELECT` last switched to.
    var database: Int
    /// The open `MULTI`, if any.
    var transaction = TransactionBuffer()

    init(address: String, configuration: SpanConfiguration) {
        let (host, port) = Self.split(address)
        self.peer = SpanPeer(configuration: configuration, clientAddress: host, clientPort: port)
        self.database = configuration.initialDatabase
    }

    /// Splits `host:port` or `[v6]:port`.
    static func split(_ address: String) -> (String, Int) {
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]) else {
            return (address, 0)
        }
        var host = address[..<colon]
        if host.hasPrefix("[") && host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        return (String(host), port)
    }
}

/// The commands of one open `MULTI`, held until `EXEC` or `DISCARD` decides whether the
/// whole transaction is kept. Bounded: past `limit` commands are only counted.
struct TransactionBuffer {
    /// Whether a `MULTI` was answered and its transaction has not ended.
    var isOpen = false
    /// The `MULTI` command itself.
    var multi: CommandEvent?
    /// Queued commands (and errors inside the transaction), in order.
    var commands: [(event: CommandEvent, summary: CommandSummary)] = []
    /// Commands that arrived after the buffer was full.
    var overflow = 0
    /// Whether any command so far was an error.
    var anyError = false
    /// Whether any command so far was slow.
    var anySlow = false
    /// A database a queued `SELECT` switches to when `EXEC` succeeds.
    var pendingDatabase: Int?

    /// Starts a transaction at `multi`, keeping the buffer's capacity.
    mutating func open(_ multi: CommandEvent) {
        isOpen = true
        self.multi = multi
        commands.removeAll(keepingCapacity: commands.count <= 64)
        overflow = 0
        anyError = false
        anySlow = false
        pendingDatabase = nil
    }

    /// Adds one command, or counts it when `limit` are held.
    mutating func add(_ event: CommandEvent, summary: CommandSummary, isError: Bool, limit: Int) {
        anyError = anyError || isError
        anySlow = anySlow || summary.slow
        if commands.count < limit {
            commands.append((event, summary))
        } else {
            overflow += 1
        }
    }

    /// Ends the transaction, releasing what it held but keeping capacity.
    mutating func close() {
        isOpen = false
        multi = nil
        commands.removeAll(keepingCapacity: commands.count <= 64)
    }
}
