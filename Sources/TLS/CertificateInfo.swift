import COpenSSL

/// What the proxy reports about a certificate: its subject and when it expires.
public struct CertificateInfo: Sendable, Equatable, Hashable {
    /// The subject as RFC 2253 text (`CN=redis.example,O=Example`).
    public var subject: String
    /// The names it is valid for (DNS and IP subject alternative names, else the common name).
    public var names: String
    /// `notAfter`, in Unix seconds.
    public var notAfter: Int64

    /// A description of `certificate` (not consumed).
    init(_ certificate: OpaquePointer) {
        subject = Self.text(capacity: 512) { lens_x509_subject(certificate, $0, $1) }
        names = Self.text(capacity: 512) { lens_x509_names(certificate, $0, $1) }
        notAfter = Int64(lens_x509_not_after(certificate))
    }

    /// Creates a description from its parts.
    public init(subject: String, names: String, notAfter: Int64) {
        self.subject = subject
        self.names = names
        self.notAfter = notAfter
    }

    private static func text(capacity: Int, _ write: (UnsafeMutablePointer<CChar>, Int32) -> Int32) -> String {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: capacity) { buffer in
            let length = Int(write(buffer.baseAddress!, Int32(capacity)))
            let bytes = UnsafeRawBufferPointer(start: buffer.baseAddress, count: max(0, length))
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}
