import RESP
import RedisCommands
import Testing

@testable import Relay

/// Reading the arguments of the rare requests that name a connection.
@Suite struct ClientIdentityParserTests {
    static func arguments(_ wire: String) -> [String]? {
        Array(wire.utf8).withUnsafeBytes { bytes in
            ClientIdentityParser.arguments(bytes)?.map { String(decoding: $0.bytes, as: UTF8.self) }
        }
    }

    @Test func multibulkAndInline() {
        #expect(Self.arguments("*3\r\n$6\r\nCLIENT\r\n$7\r\nSETNAME\r\n$0\r\n\r\n") == ["CLIENT", "SETNAME", ""])
        #expect(Self.arguments("CLIENT  SETNAME\tweb\r\n") == ["CLIENT", "SETNAME", "web"])
        #expect(Self.arguments("CLIENT SETNAME \"a b\"\r\n") == nil, "quotes are not parsed")
    }

    @Test func malformedOrLongFramesGiveNothing() {
        #expect(Self.arguments("*2\r\n$6\r\nCLIENT\r\n") == nil)
        #expect(Self.arguments("*1\r\n$9\r\nCLIENT\r\n") == nil)
        #expect(Self.arguments("*1\r\n:1\r\n") == nil)
        #expect(Self.arguments("*9\r\n" + String(repeating: "$1\r\nx\r\n", count: 9)) == nil)
        #expect(Self.arguments("") == nil)
    }

    @Test func helloWalksItsOptionsAsRedisDoes() {
        func name(_ arguments: [String]) -> ClientIdentityChange? {
            ClientIdentityParser.helloName(arguments.map { ClientText(Array($0.utf8)) })
        }
        let app = ClientIdentityChange.name(ClientText(Array("app".utf8)))
        #expect(name(["HELLO", "3", "SETNAME", "app"]) == app)
        #expect(name(["HELLO", "3", "AUTH", "u", "SETNAME", "SETNAME", "app"]) == app)
        #expect(name(["HELLO", "3", "AUTH", "u", "p"]) == nil)
        #expect(name(["HELLO", "3", "AUTH", "SETNAME", "app"]) == nil, "the password is never the name")
        #expect(name(["HELLO", "3", "SETNAME", "app", "BOGUS"]) == nil, "Redis refuses it")
    }
}
