import RESP
import RedisCommands

/// Reads the value a `CLIENT SETNAME`, `CLIENT SETINFO` or `HELLO ... SETNAME` request
/// sets, for these rare commands only: the scanner keeps three argument heads of 32 bytes,
/// so the request's own bytes are read again when the whole frame is in the chunk at hand.
///
/// `HELLO`'s arguments are walked as Redis walks them (`AUTH user password` is skipped
/// whole), so a password is never read as a name.
enum ClientIdentityParser {
    /// Arguments read at most (`HELLO 3 AUTH user password SETNAME name` has seven).
    static let maxArguments = 8

    /// The change the request asks for, or nil when it asks none or its bytes are not all
    /// in `chunk` (then `CLIENT SETNAME` falls back to the frame's 32-byte head of the name).
    /// `end` is the offset in `chunk` just past the frame.
    static func change(
        role: CommandRole, frame: borrowing RESPFrame, chunk: UnsafeRawBufferPointer, end: Int
    ) -> ClientIdentityChange? {
        let start = end - frame.byteCount
        let arguments =
            start >= 0 && end <= chunk.count
            ? Self.arguments(UnsafeRawBufferPointer(rebasing: chunk[start..<end])) : nil
        switch role {
        case .clientSetName:
            if let arguments, arguments.count == 3 { return .name(arguments[2]) }
            return arguments == nil ? .name(ClientText(frame.third)) : nil
        case .clientSetInfo:
            guard let arguments, arguments.count == 4 else { return nil }
            let attribute = String(decoding: arguments[2].bytes, as: UTF8.self).uppercased()
            if attribute == "LIB-NAME" { return .libraryName(arguments[3]) }
            if attribute == "LIB-VER" { return .libraryVersion(arguments[3]) }
            return nil
        case .hello:
            guard let arguments else { return nil }
            return helloName(arguments)
        default:
            return nil
        }
    }

    /// `HELLO protover [AUTH username password] [SETNAME clientname]`: the name, if set.
    static func helloName(_ arguments: [ClientText]) -> ClientIdentityChange? {
        var index = 2
        var name: ClientText?
        while index < arguments.count {
            let option = String(decoding: arguments[index].bytes, as: UTF8.self).uppercased()
            if option == "AUTH" && index + 2 < arguments.count {
                index += 3
            } else if option == "SETNAME" && index + 1 < arguments.count {
                name = arguments[index + 1]
                index += 2
            } else {
                return nil  // Redis refuses the command: nothing changes
            }
        }
        return name.map { .name($0) }
    }

    /// The arguments of one whole request frame (multibulk, or inline without quotes),
    /// nil when it has more than ``maxArguments`` or is not one the scanner accepted.
    static func arguments(_ bytes: UnsafeRawBufferPointer) -> [ClientText]? {
        guard let first = bytes.first else { return nil }
        return first == UInt8(ascii: "*") ? multibulk(bytes) : inline(bytes)
    }

    private static func multibulk(_ bytes: UnsafeRawBufferPointer) -> [ClientText]? {
        var offset = 1
        guard let count = number(bytes, &offset), count >= 0, count <= maxArguments else { return nil }
        var arguments: [ClientText] = []
        for _ in 0..<count {
            guard offset < bytes.count, bytes[offset] == UInt8(ascii: "$") else { return nil }
            offset += 1
            guard let length = number(bytes, &offset), length >= 0, offset + length + 2 <= bytes.count else {
                return nil
            }
            arguments.append(ClientText(UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + length)])))
            offset += length + 2
        }
        return arguments
    }

    /// A decimal number ended by CRLF; `offset` moves past the CRLF.
    private static func number(_ bytes: UnsafeRawBufferPointer, _ offset: inout Int) -> Int? {
        var value = 0
        var digits = 0
        while offset < bytes.count, bytes[offset] >= UInt8(ascii: "0"), bytes[offset] <= UInt8(ascii: "9") {
            value = value * 10 + Int(bytes[offset] - UInt8(ascii: "0"))
            digits += 1
            offset += 1
            if digits > 18 { return nil }
        }
        guard digits > 0, offset + 1 < bytes.count, bytes[offset] == UInt8(ascii: "\r"),
            bytes[offset + 1] == UInt8(ascii: "\n")
        else { return nil }
        offset += 2
        return value
    }

    private static func inline(_ bytes: UnsafeRawBufferPointer) -> [ClientText]? {
        var arguments: [ClientText] = []
        var word: [UInt8] = []
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                return nil  // quoted arguments: not worth a second parser
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"):
                if !word.isEmpty {
                    arguments.append(ClientText(word))
                    word.removeAll(keepingCapacity: true)
                }
            default:
                word.append(byte)
            }
            if arguments.count > maxArguments { return nil }
        }
        if !word.isEmpty { arguments.append(ClientText(word)) }
        return arguments
    }
}
