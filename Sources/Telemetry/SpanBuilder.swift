import RedisCommands

/// Turns kept commands into ``SpanRecord``s with the OpenTelemetry database semantic
/// conventions' attributes (`db.system.name`, `db.operation.name`, `db.namespace`, ...).
struct SpanBuilder {
    let configuration: SpanConfiguration

    /// Attributes a span has at most: 9 in common, 8 of a command's own (query text,
    /// category, cache hit, response size, the time split, status code and error type).
    static let attributeCapacity = 17

    /// Whether the command ended in an error reply or without its reply.
    static func isError(_ event: CommandEvent) -> Bool {
        event.error != nil || event.outcome == .aborted
    }

    /// The span of one command.
    func span(
        _ event: CommandEvent, summary: CommandSummary, connection: SpanConnectionState?, database: Int,
        trace: (high: UInt64, low: UInt64), spanID: UInt64, parentSpanID: UInt64 = 0
    ) -> SpanRecord {
        let name = QueryText.spanName(event, label: summary.label)
        var attributes = common(connection: connection, database: database, operation: name)
        if let text = QueryText.render(event, summary: summary, mode: configuration.queryText) {
            attributes.append(SpanAttribute("db.query.text", .string(text)))
        }
        attributes.append(SpanAttribute("redis.command.category", .string(summary.category.label)))
        if summary.hasHitRule && event.error == nil && summary.hits + summary.misses > 0 {
            attributes.append(SpanAttribute("redis.cache.hit", .bool(summary.misses == 0)))
        }
        attributes.append(SpanAttribute("redis.response.size", .int(Int64(event.replyBytes))))
        appendTimeSplit(of: event, to: &attributes)
        appendOutcome(of: event, to: &attributes)
        return SpanRecord(
            traceIDHigh: trace.high, traceIDLow: trace.low, spanID: spanID, parentSpanID: parentSpanID, name: name,
            startUnixNanos: configuration.clock.unix(event.startNanos),
            endUnixNanos: configuration.clock.unix(max(event.endNanos, event.startNanos)), attributes: attributes,
            isError: Self.isError(event))
    }

    /// The parent span of a transaction: from `MULTI` to the command that ended it
    /// (`EXEC`, `DISCARD`, `RESET`), with that command's outcome.
    func transactionSpan(
        multi: CommandEvent, end: CommandEvent, batchSize: Int, connection: SpanConnectionState?, database: Int,
        trace: (high: UInt64, low: UInt64), spanID: UInt64
    ) -> SpanRecord {
        var attributes = common(connection: connection, database: database, operation: "MULTI")
        attributes.append(SpanAttribute("db.operation.batch.size", .int(Int64(batchSize))))
        attributes.append(SpanAttribute("redis.command.category", .string(CommandCategory.transaction.label)))
        attributes.append(SpanAttribute("redis.response.size", .int(Int64(end.replyBytes))))
        if let outcome = Self.transactionOutcome(ending: end) {
            attributes.append(SpanAttribute("redis.transaction.outcome", .string(outcome.label)))
        }
        appendOutcome(of: end, to: &attributes)
        return SpanRecord(
            traceIDHigh: trace.high, traceIDLow: trace.low, spanID: spanID, name: "MULTI",
            startUnixNanos: configuration.clock.unix(multi.startNanos),
            endUnixNanos: configuration.clock.unix(max(end.endNanos, multi.startNanos)), attributes: attributes,
            isError: Self.isError(end))
    }

    /// How the command that ended a transaction ended it; nil when its reply never came.
    static func transactionOutcome(ending end: CommandEvent) -> TransactionOutcome? {
        guard end.outcome == .replied else { return nil }
        guard end.name.equalsCaseInsensitive("EXEC") else { return .discard }  // DISCARD, RESET
        if end.error != nil { return .abort }
        return end.replyIsNull ? .watchConflict : .exec
    }

    private func common(connection: SpanConnectionState?, database: Int, operation: String) -> [SpanAttribute] {
        // One allocation: room for these and the most a command or transaction span adds.
        var attributes: [SpanAttribute] = []
        attributes.reserveCapacity(Self.attributeCapacity)
        attributes.append(SpanAttribute("db.system.name", .string("redis")))
        attributes.append(SpanAttribute("db.operation.name", .string(operation)))
        attributes.append(SpanAttribute("db.namespace", .string(String(database))))
        attributes.append(SpanAttribute("server.address", .string(configuration.serverAddress)))
        attributes.append(SpanAttribute("server.port", .int(Int64(configuration.serverPort))))
        attributes.append(SpanAttribute("network.peer.address", .string(configuration.serverAddress)))
        attributes.append(SpanAttribute("network.peer.port", .int(Int64(configuration.serverPort))))
        if let connection, !connection.clientAddress.isEmpty {
            attributes.append(SpanAttribute("client.address", .string(connection.clientAddress)))
            if connection.clientPort > 0 {
                attributes.append(SpanAttribute("client.port", .int(Int64(connection.clientPort))))
            }
        }
        return attributes
    }

    /// Where the command's time went, when the relay knows when its request left for Redis:
    /// `redis_lens.upstream_duration_ns` from then to the reply's last byte (Redis and the
    /// network), `redis_lens.proxy_duration_ns` the rest of the span (the proxy, and the wait
    /// behind earlier requests or a full upstream). They add up to the span's duration.
    private func appendTimeSplit(of event: CommandEvent, to attributes: inout [SpanAttribute]) {
        guard event.sentNanos != 0, event.sentNanos >= event.startNanos, event.sentNanos <= event.endNanos else {
            return
        }
        let upstream = event.upstreamNanos
        attributes.append(SpanAttribute("redis_lens.upstream_duration_ns", .int(Int64(upstream))))
        attributes.append(
            SpanAttribute("redis_lens.proxy_duration_ns", .int(Int64(event.durationNanos &- upstream))))
    }

    private func appendOutcome(of event: CommandEvent, to attributes: inout [SpanAttribute]) {
        if let error = event.error {
            attributes.append(SpanAttribute("db.response.status_code", .string(error.label)))
            attributes.append(SpanAttribute("error.type", .string(error.label)))
        } else if event.outcome == .aborted {
            attributes.append(SpanAttribute("error.type", .string("connection_closed")))
        }
    }
}
