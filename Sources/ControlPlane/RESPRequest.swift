/// Encodes a command as Redis reads it: a RESP array of bulk strings
/// (`*<n>\r\n` then `$<length>\r\n<bytes>\r\n` per argument). Binary safe: an argument may
/// hold any bytes, `\r\n` and NUL included.
public enum RESPRequest {
    /// The encoded command.
    public static func encode(_ arguments: [[UInt8]]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16 + arguments.reduce(0) { $0 + $1.count + 16 })
        append(header: UInt8(ascii: "*"), arguments.count, to: &bytes)
        for argument in arguments {
            append(header: UInt8(ascii: "$"), argument.count, to: &bytes)
            bytes += argument
            bytes += [0x0D, 0x0A]
        }
        return bytes
    }

    /// The encoded command; each argument as its UTF-8 bytes.
    public static func encode(_ arguments: [String]) -> [UInt8] {
        encode(arguments.map { Array($0.utf8) })
    }

    private static func append(header: UInt8, _ count: Int, to bytes: inout [UInt8]) {
        bytes.append(header)
        bytes += String(count).utf8
        bytes += [0x0D, 0x0A]
    }
}
