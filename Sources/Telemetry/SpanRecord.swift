/// One finished span, ready to encode: the OTLP fields redis-lens uses.
///
/// Built only for spans that were kept by sampling, so its allocations (name, attributes)
/// never touch unsampled commands.
public struct SpanRecord: Sendable, Equatable {
    /// High 64 bits of the 128-bit trace id.
    public var traceIDHigh: UInt64
    /// Low 64 bits of the trace id (the bits sampling compares).
    public var traceIDLow: UInt64
    /// The span id (never 0).
    public var spanID: UInt64
    /// The parent's span id; 0 for a root span.
    public var parentSpanID: UInt64
    /// The span name: the command as Redis names it (`GET`, `CONFIG GET`, `MULTI`).
    public var name: String
    /// Start, in Unix nanoseconds.
    public var startUnixNanos: UInt64
    /// End, in Unix nanoseconds.
    public var endUnixNanos: UInt64
    /// Attributes in the order they are encoded.
    public var attributes: [SpanAttribute]
    /// Whether the span's status is ERROR (otherwise it is left unset).
    public var isError: Bool

    /// Creates a span of kind CLIENT.
    public init(
        traceIDHigh: UInt64, traceIDLow: UInt64, spanID: UInt64, parentSpanID: UInt64 = 0, name: String,
        startUnixNanos: UInt64, endUnixNanos: UInt64, attributes: [SpanAttribute] = [], isError: Bool = false
    ) {
        self.traceIDHigh = traceIDHigh
        self.traceIDLow = traceIDLow
        self.spanID = spanID
        self.parentSpanID = parentSpanID
        self.name = name
        self.startUnixNanos = startUnixNanos
        self.endUnixNanos = endUnixNanos
        self.attributes = attributes
        self.isError = isError
    }

    /// The value of the attribute named `key`, if present.
    public func attribute(_ key: String) -> SpanAttribute.Value? {
        attributes.first { $0.key == key }?.value
    }
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
