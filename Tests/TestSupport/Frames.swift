import RESP

/// RESP requests as a client sends them, and frame summaries built by scanning real RESP
/// bytes, so tests state wire input.
public enum Frames {
    /// A request: an array of `arguments` as bulk strings, as a client sends it.
    public static func command(_ arguments: [String]) -> [UInt8] {
        command(arguments.map { Array($0.utf8) })
    }

    /// A request of arguments given as raw bytes (binary keys and values).
    public static func command(_ arguments: [[UInt8]]) -> [UInt8] {
        var bytes = Array("*\(arguments.count)\r\n".utf8)
        for argument in arguments {
            bytes += Array("$\(argument.count)\r\n".utf8)
            bytes += argument
            bytes += [0x0D, 0x0A]
        }
        return bytes
    }

    /// The frame of the request made of `arguments`, as ``command(_:)`` writes it.
    public static func request(_ arguments: [String]) -> RESPFrame {
        scan(command(arguments), mode: .request)
    }

    /// The frame of the request made of `arguments` given as raw bytes.
    public static func request(_ arguments: [[UInt8]]) -> RESPFrame {
        scan(command(arguments), mode: .request)
    }

    /// The frame of exactly one reply, given as its wire text.
    public static func reply(_ wire: String) -> RESPFrame {
        scan(Array(wire.utf8), mode: .reply)
    }

    private static func scan(_ bytes: [UInt8], mode: RESPScanner.Mode) -> RESPFrame {
        var scanner = RESPScanner(mode: mode)
        return bytes.withUnsafeBytes { buffer in
            var offset = 0
            guard let frame = try? scanner.next(buffer, offset: &offset), offset == bytes.count else {
                let text = String(decoding: bytes, as: UTF8.self)
                fatalError("test bytes are not exactly one frame: \(text.debugDescription)")
            }
            return frame
        }
    }
}
