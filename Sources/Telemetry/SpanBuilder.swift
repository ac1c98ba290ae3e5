import RedisCommands

/// Turns kept commands into ``SpanRecord``s with the OpenTelemetry database semantic
/// conventions' attributes (`db.system.name`, `db.operation.name`, `db.namespace`, ...).
struct SpanBuilder {
    let configuration: SpanConfiguration

    /// Whether the command ended in an error reply or without its reply.
    static func isError(_ event: CommandEvent) -> Bool {
        event.error != nil || event.outcome == .aborted
    }

    /// The span of one command: plain values (no attribute text is made here; see
    /// ``CommandSpanSource``).
    func span(
        _ event: CommandEvent, summary: CommandSummary, peer: SpanPeer, database: Int,
        trace: (high: UInt64, low: UInt64), spanID: UInt64, parentSpanID: UInt64 = 0
    ) -> SpanRecord {
        SpanRecord(
            traceIDHigh: trace.high, traceIDLow: trace.low, spanID: spanID, parentSpanID: parentSpanID,
            startUnixNanos: configuration.clock.unix(event.startNanos),
            endUnixNanos: configuration.clock.unix(max(event.endNanos, event.startNanos)), isError: Self.isError(event),
            source: CommandSpanSource(event: event, summary: summary, database: database, peer: peer))
    }

    /// The parent span of a transaction: from `MULTI` to the command that ended it
    /// (`EXEC`, `DISCARD`, `RESET`), with that command's outcome.
    func transactionSpan(
        multi: CommandEvent, end: CommandEvent, batchSize: Int, peer: SpanPeer, database: Int,
        trace: (high: UInt64, low: UInt64), spanID: UInt64
    ) -> SpanRecord {
        var attributes = SpanAttributeArray()
        Self.writeCommon(
            peer: peer, database: database, operation: CommandText(head: .word("MULTI")), into: &attributes)
        attributes.int("db.operation.batch.size", Int64(batchSize))
        attributes.string("redis.command.category", CommandCategory.transaction.label)
        attributes.int("redis.response.size", Int64(end.replyBytes))
        if let outcome = Self.transactionOutcome(ending: end) {
            attributes.string("redis.transaction.outcome", outcome.label)
        }
        Self.writeOutcome(of: end, into: &attributes)
        return SpanRecord(
            traceIDHigh: trace.high, traceIDLow: trace.low, spanID: spanID, name: "MULTI",
            startUnixNanos: configuration.clock.unix(multi.startNanos),
            endUnixNanos: configuration.clock.unix(max(end.endNanos, multi.startNanos)),
            attributes: attributes.attributes,
            isError: Self.isError(end))
    }

    /// How the command that ended a transaction ended it; nil when its reply never came.
    static func transactionOutcome(ending end: CommandEvent) -> TransactionOutcome? {
        guard end.outcome == .replied else { return nil }
        guard end.name.equalsCaseInsensitive("EXEC") else { return .discard }  // DISCARD, RESET
        if end.error != nil { return .abort }
        return end.replyIsNull ? .watchConflict : .exec
    }

    /// The attributes every span has: the system, operation, database and both ends.
    static func writeCommon<Writer: SpanAttributeWriter & ~Copyable>(
        peer: SpanPeer, database: Int, operation: CommandText, into writer: inout Writer
    ) {
        writer.string("db.system.name", "redis")
        writer.string("db.operation.name", operation)
        writer.string("db.namespace", decimal: database)
        writer.string("server.address", peer.serverAddress)
        writer.int("server.port", Int64(peer.serverPort))
        writer.string("network.peer.address", peer.serverAddress)
        writer.int("network.peer.port", Int64(peer.serverPort))
        if !peer.clientAddress.isEmpty {
            writer.string("client.address", peer.clientAddress)
            if peer.clientPort > 0 {
                writer.int("client.port", Int64(peer.clientPort))
            }
        }
    }

    /// Where the command's time went, when the relay knows when its request left for Redis:
    /// `redis_lens.upstream_duration_ns` from then to the reply's last byte (Redis and the
    /// network), `redis_lens.proxy_duration_ns` the rest of the span (the proxy, and the wait
    /// behind earlier requests or a full upstream). They add up to the span's duration.
    static func writeTimeSplit<Writer: SpanAttributeWriter & ~Copyable>(
        of event: CommandEvent, into writer: inout Writer
    ) {
        guard event.sentNanos != 0, event.sentNanos >= event.startNanos, event.sentNanos <= event.endNanos else {
            return
        }
        let upstream = event.upstreamNanos
        writer.int("redis_lens.upstream_duration_ns", Int64(upstream))
        writer.int("redis_lens.proxy_duration_ns", Int64(event.durationNanos &- upstream))
    }

    /// `db.response.status_code` and `error.type` for an error reply, `error.type` for a
    /// command whose reply never came.
    static func writeOutcome<Writer: SpanAttributeWriter & ~Copyable>(
        of event: CommandEvent, into writer: inout Writer
    ) {
        if let error = event.error {
            writer.string("db.response.status_code", error.label)
            writer.string("error.type", error.label)
        } else if event.outcome == .aborted {
            writer.string("error.type", "connection_closed")
        }
    }
}
