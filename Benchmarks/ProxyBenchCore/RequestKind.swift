/// What the reply to a request tells about hits.
public enum RequestKind: UInt8, Sendable {
    /// A write or other command: no hit or miss.
    case other
    /// A single-key read (`GET`, `HGET`): a null reply is a miss, else a hit.
    case read
    /// `MGET`: each null element is a miss, each other element a hit.
    case multiRead
}
