import RedisCommands

/// What one command's span is made of, as plain values: the event, what the metrics made
/// of it, the database it ran in and the connection's ``SpanPeer``. The event loop copies
/// this into the span; the name and attributes are made from it on the exporter's side.
struct CommandSpanSource: Sendable {
    /// The command.
    var event: CommandEvent
    /// Its label, category and hit/miss counts.
    var summary: CommandSummary
    /// The database it ran in (`db.namespace`).
    var database: Int
    /// The connection's ends.
    var peer: SpanPeer

    /// The span name (`GET`, `CONFIG GET`, `OTHER`).
    var name: CommandText { QueryText.name(label: summary.label) }

    /// Writes the attributes, in order, with `name` as `db.operation.name`.
    func write<Writer: SpanAttributeWriter & ~Copyable>(name: CommandText, into writer: inout Writer) {
        SpanBuilder.writeCommon(peer: peer, database: database, operation: name, into: &writer)
        if let text = QueryText.text(event, summary: summary, mode: peer.queryText) {
            writer.string("db.query.text", text)
        }
        writer.string("redis.command.category", summary.category.label)
        if summary.hasHitRule && event.error == nil && summary.hits + summary.misses > 0 {
            writer.bool("redis.cache.hit", summary.misses == 0)
        }
        writer.int("redis.response.size", Int64(event.replyBytes))
        SpanBuilder.writeTimeSplit(of: event, into: &writer)
        SpanBuilder.writeOutcome(of: event, into: &writer)
    }
}
