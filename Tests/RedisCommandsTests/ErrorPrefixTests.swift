import RESP
import RedisCommands
import Testing

@Suite struct ErrorPrefixTests {
    @Test(arguments: [
        ("ERR unknown command", RedisErrorPrefix.err),
        ("WRONGTYPE Operation", .wrongtype),
        ("NOAUTH Authentication required.", .noauth),
        ("MOVED 3999 127.0.0.1:6381", .moved),
        ("EXECABORT Transaction discarded", .execabort),
        ("err lower case", .err),
        ("CUSTOMTHING x", .other),
        ("", .other),
    ])
    func prefix(text: String, expected: RedisErrorPrefix) {
        #expect(RedisErrorPrefix(errorText: ByteHead(Array(text.utf8))) == expected)
    }

    @Test func labelsAreUpperCase() {
        #expect(RedisErrorPrefix.wrongtype.label == "WRONGTYPE")
        #expect(RedisErrorPrefix.other.label == "OTHER")
    }
}
