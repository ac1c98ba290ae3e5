/// Receives a span's attributes in order: into an array (``SpanRecord/attributes``) or
/// straight into OTLP JSON (the exporter), so both come from one list.
protocol SpanAttributeWriter: ~Copyable {
    /// A `stringValue` attribute.
    mutating func string(_ key: StaticString, _ value: String)
    /// A `stringValue` attribute made of a command's text.
    mutating func string(_ key: StaticString, _ value: CommandText)
    /// A `stringValue` attribute holding an integer in decimal (`db.namespace`).
    mutating func string(_ key: StaticString, decimal value: Int)
    /// An `intValue` attribute.
    mutating func int(_ key: StaticString, _ value: Int64)
    /// A `boolValue` attribute.
    mutating func bool(_ key: StaticString, _ value: Bool)
}

/// Collects attributes into ``SpanAttribute``s.
struct SpanAttributeArray: SpanAttributeWriter {
    /// Attributes a span has at most: 9 in common, 8 of a command's own (query text,
    /// category, cache hit, response size, the time split, status code and error type).
    static let capacity = 17

    /// What was written, in order.
    var attributes: [SpanAttribute]

    init() {
        attributes = []
        attributes.reserveCapacity(Self.capacity)
    }

    mutating func string(_ key: StaticString, _ value: String) {
        attributes.append(SpanAttribute(key.description, .string(value)))
    }

    mutating func string(_ key: StaticString, _ value: CommandText) {
        string(key, value.description)
    }

    mutating func string(_ key: StaticString, decimal value: Int) {
        string(key, String(value))
    }

    mutating func int(_ key: StaticString, _ value: Int64) {
        attributes.append(SpanAttribute(key.description, .int(value)))
    }

    mutating func bool(_ key: StaticString, _ value: Bool) {
        attributes.append(SpanAttribute(key.description, .bool(value)))
    }
}
