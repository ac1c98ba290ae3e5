import RESP

/// A value a client gave about itself (its name, its library), as sent: the first
/// ``capacity`` bytes, and how long it was. Made only for the rare commands that set one.
public struct ClientText: Sendable, Hashable {
    /// Bytes kept at most.
    public static let capacity = 64

    /// The first bytes (at most ``capacity``).
    public var bytes: [UInt8]
    /// The full length of the value.
    public var totalLength: Int

    /// The first ``capacity`` bytes of `bytes`.
    public init(_ bytes: some Collection<UInt8>) {
        self.bytes = Array(bytes.prefix(Self.capacity))
        self.totalLength = bytes.count
    }

    /// The bytes a ``ByteHead`` kept (its first ``ByteHead/capacity``), and its length.
    public init(_ head: ByteHead) {
        self.bytes = head.bytes
        self.totalLength = head.totalLength
    }

    /// Whether the value was longer than what is kept.
    public var isTruncated: Bool { totalLength > bytes.count }

    /// Whether the value is empty (a cleared name).
    public var isEmpty: Bool { totalLength == 0 }
}

/// What Redis accepted a client saying about itself.
public enum ClientIdentityChange: Sendable, Hashable {
    /// `CLIENT SETNAME`, `HELLO ... SETNAME`; empty: the name was cleared
    /// (`CLIENT SETNAME ""`, `RESET`).
    case name(ClientText)
    /// `CLIENT SETINFO LIB-NAME`.
    case libraryName(ClientText)
    /// `CLIENT SETINFO LIB-VER`.
    case libraryVersion(ClientText)
}
