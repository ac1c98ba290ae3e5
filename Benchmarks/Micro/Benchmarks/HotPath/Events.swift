import RESP
import RedisCommands

/// Realistic events, as the proxy reports them.
enum Events {
    /// `GET user:1` answered with a 16-byte value (a hit) after 20 µs.
    static func get(table: CommandTable) -> CommandEvent {
        let name = ByteHead("GET".utf8)
        let key = ByteHead("user:1".utf8)
        return CommandEvent(
            name: name, firstArgument: key, argumentCount: 2,
            commandID: table.identify(name: name, subcommand: key, argumentCount: 2), connectionID: 1,
            startNanos: 1_000_000, endNanos: 1_020_000, requestBytes: 27, replyBytes: 22, outcome: .replied,
            replyType: .bulkString, error: nil, replyCount: 16, replyIsNull: false, replyNullChildren: 0,
            replyInteger: 0)
    }
}
