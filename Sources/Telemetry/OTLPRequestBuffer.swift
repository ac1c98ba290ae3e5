/// The exporter's request body: every batch is encoded into this one buffer, kept from
/// batch to batch. A fresh buffer per batch (hundreds of KiB) cost page faults on every
/// batch, a quarter of the encoder's time (`docs/decisions/0011-span-export-throughput.md`).
public struct OTLPRequestBuffer: ~Copyable {
    /// The encoding every body gets.
    public let encoding: OTLPEncoding
    private var json: JSONBytes
    private var protobuf: ProtobufBytes

    /// An empty buffer for bodies in `encoding`.
    public init(encoding: OTLPEncoding) {
        self.encoding = encoding
        json = JSONBytes(capacity: encoding == .json ? 64 * 1024 : 0)
        protobuf = ProtobufBytes(capacity: encoding == .protobuf ? 64 * 1024 : 0)
    }

    /// Encodes `spans` as an OTLP `ExportTraceServiceRequest`, replacing the last body.
    public mutating func encode(_ spans: [SpanRecord], resource: OTLPResource) {
        switch encoding {
        case .json:
            json.removeAll()
            OTLPJSONEncoder.encode(spans, resource: resource, into: &json)
        case .protobuf:
            protobuf.removeAll()
            OTLPProtobufEncoder.encode(spans, resource: resource, into: &protobuf)
        }
    }

    /// Reads the body, in place.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        switch encoding {
        case .json: try json.withUnsafeBytes(body)
        case .protobuf: try protobuf.withUnsafeBytes(body)
        }
    }
}
