/// The ends of one client connection as spans show them: the upstream (`server.*`,
/// `network.peer.*`), the client (`client.*`), and what `db.query.text` shows. Made once
/// per connection (the address split then) and copied into each of its spans: addresses
/// are short strings stored inline, so a copy touches no reference count (a shared object
/// would be retained on the event loop and released on the exporter's thread per span).
struct SpanPeer: Sendable {
    /// The upstream's host.
    let serverAddress: String
    /// The upstream's port.
    let serverPort: Int
    /// The client's address without the port; empty when unknown.
    let clientAddress: String
    /// The client's port (0 when unknown).
    let clientPort: Int
    /// What `db.query.text` shows.
    let queryText: QueryTextMode

    init(configuration: SpanConfiguration, clientAddress: String, clientPort: Int) {
        self.serverAddress = configuration.serverAddress
        self.serverPort = configuration.serverPort
        self.clientAddress = clientAddress
        self.clientPort = clientPort
        self.queryText = configuration.queryText
    }
}
