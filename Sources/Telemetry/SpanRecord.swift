/// One finished span, ready to encode: the OTLP fields redis-lens uses.
///
/// Built only for spans that were kept by sampling. A command's span holds the plain
/// values it is made of (the event, its summary, the connection's ``SpanPeer``), so the
/// event loop allocates nothing for it; its name and attributes are turned into text when
/// read or encoded, on the exporter's side.
public struct SpanRecord: Sendable, Equatable {
    /// High 64 bits of the 128-bit trace id.
    public var traceIDHigh: UInt64
    /// Low 64 bits of the trace id (the bits sampling compares).
    public var traceIDLow: UInt64
    /// The span id (never 0).
    public var spanID: UInt64
    /// The parent's span id; 0 for a root span.
    public var parentSpanID: UInt64
    /// Start, in Unix nanoseconds.
    public var startUnixNanos: UInt64
    /// End, in Unix nanoseconds.
    public var endUnixNanos: UInt64
    /// Whether the span's status is ERROR (otherwise it is left unset).
    public var isError: Bool
    /// The name and attributes, as text or as the command they come from.
    var content: SpanContent

    /// Creates a span of kind CLIENT.
    public init(
        traceIDHigh: UInt64, traceIDLow: UInt64, spanID: UInt64, parentSpanID: UInt64 = 0, name: String,
        startUnixNanos: UInt64, endUnixNanos: UInt64, attributes: [SpanAttribute] = [], isError: Bool = false
    ) {
        self.init(
            traceIDHigh: traceIDHigh, traceIDLow: traceIDLow, spanID: spanID, parentSpanID: parentSpanID,
            startUnixNanos: startUnixNanos, endUnixNanos: endUnixNanos, isError: isError,
            content: .text(name: name, attributes: attributes))
    }

    /// A command's span, its name and attributes made from `source` when read.
    init(
        traceIDHigh: UInt64, traceIDLow: UInt64, spanID: UInt64, parentSpanID: UInt64, startUnixNanos: UInt64,
        endUnixNanos: UInt64, isError: Bool, source: CommandSpanSource
    ) {
        self.init(
            traceIDHigh: traceIDHigh, traceIDLow: traceIDLow, spanID: spanID, parentSpanID: parentSpanID,
            startUnixNanos: startUnixNanos, endUnixNanos: endUnixNanos, isError: isError, content: .command(source))
    }

    private init(
        traceIDHigh: UInt64, traceIDLow: UInt64, spanID: UInt64, parentSpanID: UInt64, startUnixNanos: UInt64,
        endUnixNanos: UInt64, isError: Bool, content: SpanContent
    ) {
        self.traceIDHigh = traceIDHigh
        self.traceIDLow = traceIDLow
        self.spanID = spanID
        self.parentSpanID = parentSpanID
        self.startUnixNanos = startUnixNanos
        self.endUnixNanos = endUnixNanos
        self.isError = isError
        self.content = content
    }

    /// The span name: the command as Redis names it (`GET`, `CONFIG GET`, `MULTI`).
    public var name: String {
        get {
            switch content {
            case .text(let name, _): name
            case .command(let source): source.name.description
            }
        }
        set { content = .text(name: newValue, attributes: attributes) }
    }

    /// Attributes in the order they are encoded.
    public var attributes: [SpanAttribute] {
        get {
            switch content {
            case .text(_, let attributes):
                return attributes
            case .command(let source):
                var collected = SpanAttributeArray()
                source.write(name: source.name, into: &collected)
                return collected.attributes
            }
        }
        set { content = .text(name: name, attributes: newValue) }
    }

    /// The value of the attribute named `key`, if present.
    public func attribute(_ key: String) -> SpanAttribute.Value? {
        attributes.first { $0.key == key }?.value
    }

    /// Equal when every encoded field is.
    public static func == (lhs: SpanRecord, rhs: SpanRecord) -> Bool {
        lhs.traceIDHigh == rhs.traceIDHigh && lhs.traceIDLow == rhs.traceIDLow && lhs.spanID == rhs.spanID
            && lhs.parentSpanID == rhs.parentSpanID && lhs.startUnixNanos == rhs.startUnixNanos
            && lhs.endUnixNanos == rhs.endUnixNanos && lhs.isError == rhs.isError && lhs.name == rhs.name
            && lhs.attributes == rhs.attributes
    }
}

/// A span's name and attributes: as text, or as the command they are made from.
enum SpanContent: Sendable {
    /// Already text (transaction parents, spans made by hand).
    case text(name: String, attributes: [SpanAttribute])
    /// Made from a command when read or encoded.
    case command(CommandSpanSource)
}

/// One key/value attribute of a span or resource.
public struct SpanAttribute: Sendable, Equatable {
    /// An attribute value: OTLP's `AnyValue`, reduced to the kinds used here.
    public enum Value: Sendable, Equatable {
        /// `stringValue`.
        case string(String)
        /// `intValue` (a 64-bit integer, encoded as a decimal string in JSON).
        case int(Int64)
        /// `boolValue`.
        case bool(Bool)
    }

    /// The attribute name (`db.system.name`).
    public var key: String
    /// Its value.
    public var value: Value

    /// Creates an attribute.
    public init(_ key: String, _ value: Value) {
        self.key = key
        self.value = value
    }
}
