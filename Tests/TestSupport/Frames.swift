import RESP

/// Builds frame summaries by scanning real RESP bytes, so tests state wire input.
public enum Frames {
    /// The frame of a request made of `arguments` as bulk strings.
    public static func request(_ arguments: [String]) -> RESPFrame {
        var bytes = "*\(arguments.count)\r\n"
        for argument in arguments { bytes += "$\(argument.utf8.count)\r\n\(argument)\r\n" }
        return scan(bytes, mode: .request)
    }

    /// The frame of exactly one reply, given as its wire text.
    public static func reply(_ wire: String) -> RESPFrame {
        scan(wire, mode: .reply)
    }

    private static func scan(_ wire: String, mode: RESPScanner.Mode) -> RESPFrame {
        var scanner = RESPScanner(mode: mode)
        let bytes = Array(wire.utf8)
        return bytes.withUnsafeBytes { buffer in
            var offset = 0
            guard let frame = try? scanner.next(buffer, offset: &offset), offset == bytes.count else {
                fatalError("test frame is not exactly one frame: \(wire.debugDescription)")
            }
            return frame
        }
    }
}
