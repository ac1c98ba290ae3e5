/// The exporter's request body: every batch is encoded into this one buffer, kept from
/// batch to batch. A fresh buffer per batch (hundreds of KiB) cost page faults on every
/// batch, a quarter of the encoder's time (`docs/decisions/0011-span-export-throughput.md`).
public struct OTLPRequestBuffer: ~Copyable {
    private var json = JSONBytes(capacity: 64 * 1024)

    /// An empty buffer.
    public init() {}

    /// Encodes `spans` as an OTLP/JSON `ExportTraceServiceRequest`, replacing the last body.
    public mutating func encode(_ spans: [SpanRecord], resource: OTLPResource) {
        json.removeAll()
        OTLPJSONEncoder.encode(spans, resource: resource, into: &json)
    }

    /// Reads the body, in place.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try json.withUnsafeBytes(body)
    }
}
