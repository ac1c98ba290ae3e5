import RESP

/// The ids of the command names one connection sent last, so that the common case (the
/// same few commands over and over) skips hashing and comparing the name in
/// ``CommandTable/identify(name:subcommand:argumentCount:)`` (measured in
/// `docs/decisions/0002-hand-written-epoll-data-path.md`).
///
/// Four slots, chosen by the name's first bytes (the multiplier and shift put `GET`,
/// `SET`, `DEL` and `EXPIRE`, or `INCR` in place of `EXPIRE`, in different slots, in upper
/// and in lower case); names are kept byte for byte (so `get` and `GET` take a slot each).
/// Container commands (`CONFIG GET`) are not cached, since their id depends on the
/// subcommand. Valid for one table: a connection keeps its table.
public struct CommandIDCache {
    @usableFromInline var names = (ByteHead(), ByteHead(), ByteHead(), ByteHead())
    @usableFromInline var ids = (-1, -1, -1, -1)

    /// An empty cache.
    public init() {}

    /// The id `table` gives the request, from the cache when its name was seen before.
    /// Inlinable, so a hit costs the caller no call and no reference count on `table`.
    @inlinable
    public mutating func identify(
        in table: CommandTable, name: ByteHead, subcommand: ByteHead, argumentCount: Int
    ) -> Int {
        let slot = Int(truncatingIfNeeded: (name.firstWord &* 0xFF51_AFD7_ED55_8CCD) >> 29) & 3
        let cached: Int
        switch slot {
        case 0: cached = names.0 == name ? ids.0 : -1
        case 1: cached = names.1 == name ? ids.1 : -1
        case 2: cached = names.2 == name ? ids.2 : -1
        default: cached = names.3 == name ? ids.3 : -1
        }
        if cached >= 0 { return cached }
        let (id, byNameAlone) = table.lookUp(name: name, subcommand: subcommand, argumentCount: argumentCount)
        if byNameAlone {
            switch slot {
            case 0: (names.0, ids.0) = (name, id)
            case 1: (names.1, ids.1) = (name, id)
            case 2: (names.2, ids.2) = (name, id)
            default: (names.3, ids.3) = (name, id)
            }
        }
        return id
    }
}
