import RESP

/// A command as text, in its parts: the command's words, its first argument when shown,
/// and a `?` for each other argument (`SET user:1 ?`, `CONFIG GET ?`, `? ? ?`). A span's
/// name, its `db.query.text` and a log line's sanitized arguments are all one of these.
/// The exporter writes the parts straight into the OTLP JSON (no string is made per span,
/// `docs/decisions/0011-span-export-throughput.md`); everything else takes ``description``.
struct CommandText: Sendable, CustomStringConvertible {
    /// The words the text starts with.
    enum Head: Sendable {
        /// A command's label from the table (`get`, `config|get`): upper case, `|` as a space.
        case command(String)
        /// A fixed word: `?` (an unknown command's text), `OTHER` (its name), `MULTI`.
        case word(StaticString)
    }

    /// The words the text starts with.
    var head: Head
    /// The first argument, shown as ``RESP/ByteHead/printable``; nil when not shown.
    var argument: ByteHead?
    /// How many `?` follow.
    var placeholders: Int

    /// A text of `head` alone.
    init(head: Head, argument: ByteHead? = nil, placeholders: Int = 0) {
        self.head = head
        self.argument = argument
        self.placeholders = placeholders
    }

    /// How many words `label` is (`config|get` is two).
    static func words(in label: String) -> Int {
        var words = 0
        var inWord = false
        for byte in label.utf8 {
            if byte == UInt8(ascii: "|") {
                inWord = false
            } else if !inWord {
                inWord = true
                words += 1
            }
        }
        return words
    }

    /// Writes the text, byte by byte (UTF-8), into `sink`.
    func write<Sink: CommandTextSink & ~Copyable>(into sink: inout Sink) {
        switch head {
        case .command(let label):
            // Labels are ASCII; words split at `|` (none empty), joined with one space.
            var pendingSpace = false
            var started = false
            for byte in label.utf8 {
                if byte == UInt8(ascii: "|") {
                    pendingSpace = started
                    continue
                }
                if pendingSpace {
                    sink.appendText(UInt8(ascii: " "))
                    pendingSpace = false
                }
                started = true
                let isLower = byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")
                sink.appendText(isLower ? byte - 0x20 : byte)
            }
        case .word(let word):
            word.withUTF8Buffer { for byte in $0 { sink.appendText(byte) } }
        }
        if let argument {
            sink.appendText(UInt8(ascii: " "))
            Self.writePrintable(argument, into: &sink)
        }
        for _ in 0..<max(placeholders, 0) {
            sink.appendText(UInt8(ascii: " "))
            sink.appendText(UInt8(ascii: "?"))
        }
    }

    /// The text as a string: measured, then written in place (a short one stays inline, no
    /// allocation; log lines and the slow log make one per command they show).
    var description: String {
        var length = TextLength()
        write(into: &length)
        return String(unsafeUninitializedCapacity: length.count) { buffer in
            var fill = TextFill(buffer: buffer)
            write(into: &fill)
            return fill.count
        }
    }

    /// ``RESP/ByteHead/printable``, byte by byte: printable ASCII as it is, every other
    /// byte (and the backslash) as `\xNN`, `…` when cut.
    private static func writePrintable<Sink: CommandTextSink & ~Copyable>(_ head: ByteHead, into sink: inout Sink) {
        head.withUnsafeBytes { raw in
            for byte in raw {
                if byte >= 0x20 && byte < 0x7F && byte != UInt8(ascii: "\\") {
                    sink.appendText(byte)
                } else {
                    sink.appendText(UInt8(ascii: "\\"))
                    sink.appendText(UInt8(ascii: "x"))
                    sink.appendText(hexDigit(byte >> 4))
                    sink.appendText(hexDigit(byte & 0xF))
                }
            }
        }
        if head.isTruncated {
            for byte in "…".utf8 { sink.appendText(byte) }
        }
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }
}

/// Takes a ``CommandText`` byte by byte: into a string, or escaped into JSON.
protocol CommandTextSink: ~Copyable {
    /// One UTF-8 byte of the text.
    mutating func appendText(_ byte: UInt8)
}

/// Counts a text's bytes for ``CommandText/description``.
private struct TextLength: CommandTextSink {
    var count = 0

    mutating func appendText(_ byte: UInt8) { count += 1 }
}

/// Writes a text's bytes into a string's storage, measured first.
private struct TextFill: CommandTextSink {
    let buffer: UnsafeMutableBufferPointer<UInt8>
    var count = 0

    mutating func appendText(_ byte: UInt8) {
        buffer[count] = byte
        count += 1
    }
}
