import RESP
import Testing

/// An input and the frames the scanner must report for it.
struct WireVector: Sendable, CustomTestStringConvertible {
    let name: String
    let mode: RESPScanner.Mode
    let bytes: [UInt8]
    let expected: [RESPFrame]

    var testDescription: String { name }

    init(_ name: String, mode: RESPScanner.Mode, bytes: [UInt8], expected: [RESPFrame]) {
        self.name = name
        self.mode = mode
        self.bytes = bytes
        self.expected = expected
    }

    /// A vector holding exactly one frame that spans all of `bytes`.
    static func single(
        _ name: String,
        _ mode: RESPScanner.Mode,
        _ bytes: [UInt8],
        _ type: RESPType,
        count: Int = 0,
        integer: Int64 = 0,
        nulls: Int = 0,
        children: Int = 0,
        heads: [ByteHead] = []
    ) -> WireVector {
        let frame = summary(
            type,
            count: count,
            bytes: bytes.count,
            integer: integer,
            nulls: nulls,
            children: children,
            heads: heads
        )
        return WireVector(name, mode: mode, bytes: bytes, expected: [frame])
    }

    /// A reply vector holding exactly one frame that spans all of `text`.
    static func reply(
        _ name: String,
        _ text: String,
        _ type: RESPType,
        count: Int = 0,
        integer: Int64 = 0,
        nulls: Int = 0,
        children: Int = 0,
        heads: [String] = []
    ) -> WireVector {
        single(
            name,
            .reply,
            wire(text),
            type,
            count: count,
            integer: integer,
            nulls: nulls,
            children: children,
            heads: heads.map(head)
        )
    }

    /// A request vector holding exactly one frame that spans all of `text`.
    static func request(
        _ name: String,
        _ text: String,
        _ type: RESPType,
        count: Int = 0,
        children: Int = 0,
        heads: [String] = []
    ) -> WireVector {
        // The first argument's head carries the hash of its bytes past the stored ones.
        let heads = heads.enumerated().map {
            $0.offset == 1 ? ByteHead(hashingTail: $0.element.utf8) : head($0.element)
        }
        return single(name, .request, wire(text), type, count: count, children: children, heads: heads)
    }

    /// All of `vectors` of one mode back to back, as one input.
    static func concatenation(_ name: String, _ vectors: [WireVector]) -> WireVector {
        WireVector(
            name,
            mode: vectors[0].mode,
            bytes: vectors.flatMap(\.bytes),
            expected: vectors.flatMap(\.expected)
        )
    }
}
