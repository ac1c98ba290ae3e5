import RESP

/// Reply inputs covering every RESP2 and RESP3 type, with their exact summaries.
enum ReplyVectors {
    static let scalars: [WireVector] = [
        .reply("simple string", "+OK\r\n", .simpleString, heads: ["OK"]),
        .reply("empty simple string", "+\r\n", .simpleString),
        .reply(
            "simple error",
            "-ERR unknown command 'foo'\r\n",
            .simpleError,
            heads: ["ERR unknown command 'foo'"]
        ),
        .reply(
            "long simple error keeps 32 bytes",
            "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
            .simpleError,
            heads: ["WRONGTYPE Operation against a key holding the wrong kind of value"]
        ),
        .reply("integer zero", ":0\r\n", .integer),
        .reply("integer", ":1000\r\n", .integer, integer: 1000),
        .reply("negative integer", ":-42\r\n", .integer, integer: -42),
        .reply("integer with plus sign", ":+7\r\n", .integer, integer: 7),
        .reply("largest integer", ":9223372036854775807\r\n", .integer, integer: .max),
        .reply("smallest integer", ":-9223372036854775808\r\n", .integer, integer: .min),
        .reply("bulk string", "$5\r\nhello\r\n", .bulkString, count: 5, heads: ["hello"]),
        .reply("zero-length bulk string", "$0\r\n\r\n", .bulkString),
        .reply("null bulk string", "$-1\r\n", .bulkString, count: -1),
        .reply("bulk length with leading zeros", "$005\r\nhello\r\n", .bulkString, count: 5, heads: ["hello"]),
        .reply("integer with leading zeros", ":007\r\n", .integer, integer: 7),
        .single(
            "binary bulk string",
            .reply,
            wire("$7\r\n") + [0x61, 0x0D, 0x0A, 0x00, 0x62, 0x0D, 0xFF] + wire("\r\n"),
            .bulkString,
            count: 7,
            heads: [ByteHead([0x61, 0x0D, 0x0A, 0x00, 0x62, 0x0D, 0xFF])]
        ),
        .reply(
            "bulk string longer than a head",
            "$40\r\n0123456789012345678901234567890123456789\r\n",
            .bulkString,
            count: 40,
            heads: ["0123456789012345678901234567890123456789"]
        ),
        .reply("RESP3 null", "_\r\n", .null),
        .reply("boolean true", "#t\r\n", .boolean, heads: ["t"]),
        .reply("boolean false", "#f\r\n", .boolean, heads: ["f"]),
        .reply("double", ",3.14159\r\n", .double, heads: ["3.14159"]),
        .reply("double exponent", ",-1.5e-10\r\n", .double, heads: ["-1.5e-10"]),
        .reply("double infinity", ",-inf\r\n", .double, heads: ["-inf"]),
        .reply("double nan", ",nan\r\n", .double, heads: ["nan"]),
        .reply(
            "big number",
            "(3492890328409238509324850943850943825024385\r\n",
            .bigNumber,
            heads: ["3492890328409238509324850943850943825024385"]
        ),
        .reply(
            "blob error",
            "!21\r\nSYNTAX invalid syntax\r\n",
            .blobError,
            count: 21,
            heads: ["SYNTAX invalid syntax"]
        ),
        .reply("empty blob error", "!0\r\n\r\n", .blobError),
        .reply(
            "verbatim string",
            "=15\r\ntxt:Some string\r\n",
            .verbatimString,
            count: 15,
            heads: ["txt:Some string"]
        ),
    ]

    static let aggregates: [WireVector] = [
        .reply("null array", "*-1\r\n", .array, count: -1),
        .reply("empty array", "*0\r\n", .array),
        .reply(
            "array of bulk strings",
            "*2\r\n$3\r\nfoo\r\n$3\r\nbar\r\n",
            .array,
            count: 2,
            children: 2,
            heads: ["foo", "bar"]
        ),
        .reply(
            "array of integers and a string",
            "*5\r\n:1\r\n:2\r\n:3\r\n:4\r\n$6\r\nfoobar\r\n",
            .array,
            count: 5,
            integer: 4,
            children: 5
        ),
        .reply(
            "array heads follow child positions",
            "*4\r\n:1\r\n+two\r\n$5\r\nthree\r\n+four\r\n",
            .array,
            count: 4,
            integer: 1,
            children: 4,
            heads: ["", "two", "three"]
        ),
        .reply(
            "nested arrays",
            "*2\r\n*3\r\n:1\r\n:2\r\n:3\r\n*2\r\n+Hello\r\n-World\r\n",
            .array,
            count: 2,
            children: 2
        ),
        .reply(
            "array with null children",
            "*6\r\n+a\r\n$-1\r\n$1\r\nb\r\n*-1\r\n_\r\n*1\r\n_\r\n",
            .array,
            count: 6,
            nulls: 3,
            children: 6,
            heads: ["a", "", "b"]
        ),
        .reply(
            "deep nesting",
            "*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n:5\r\n",
            .array,
            count: 1,
            children: 1
        ),
        .reply(
            "map",
            "%2\r\n+first\r\n:1\r\n+second\r\n:2\r\n",
            .map,
            count: 2,
            integer: 2,
            children: 4,
            heads: ["first", "", "second"]
        ),
        .reply("empty map", "%0\r\n", .map),
        .reply(
            "map with aggregate values",
            "%1\r\n$4\r\nkeys\r\n~2\r\n:1\r\n:2\r\n",
            .map,
            count: 1,
            children: 2,
            heads: ["keys"]
        ),
        .reply("set", "~3\r\n+a\r\n+b\r\n#t\r\n", .set, count: 3, children: 3, heads: ["a", "b", "t"]),
        .reply("empty set", "~0\r\n", .set),
        .reply(
            "push",
            ">4\r\n+pubsub\r\n+message\r\n+somechannel\r\n+this is the message\r\n",
            .push,
            count: 4,
            children: 4,
            heads: ["pubsub", "message", "somechannel"]
        ),
        .reply("empty push", ">0\r\n", .push),
        .reply(
            "top-level attribute before an array",
            "|1\r\n+key-popularity\r\n%2\r\n$1\r\na\r\n,0.1923\r\n$1\r\nb\r\n,0.0012\r\n"
                + "*2\r\n:2039123\r\n:9543892\r\n",
            .array,
            count: 2,
            integer: 9_543_892,
            children: 2
        ),
        .reply(
            "top-level attribute before a string",
            "|1\r\n+ttl\r\n:3600\r\n+OK\r\n",
            .simpleString,
            heads: ["OK"]
        ),
        .reply("top-level attribute before a null", "|1\r\n+a\r\n+b\r\n$-1\r\n", .bulkString, count: -1),
        .reply("empty top-level attribute", "|0\r\n+OK\r\n", .simpleString, heads: ["OK"]),
        .reply(
            "nested attribute is no element",
            "*2\r\n|1\r\n+ttl\r\n:3600\r\n+value\r\n:7\r\n",
            .array,
            count: 2,
            integer: 7,
            children: 2,
            heads: ["value"]
        ),
        .reply("empty nested attribute", "*1\r\n|0\r\n:5\r\n", .array, count: 1, integer: 5, children: 1),
        .reply(
            "attribute inside a nested array",
            "*1\r\n*2\r\n|1\r\n+k\r\n+v\r\n:1\r\n:2\r\n",
            .array,
            count: 1,
            children: 1
        ),
    ]

    static let streamed: [WireVector] = [
        .reply(
            "streamed string",
            "$?\r\n;4\r\nHell\r\n;6\r\no worl\r\n;1\r\nd\r\n;0\r\n",
            .bulkString,
            count: 11,
            heads: ["Hello world"]
        ),
        .reply("empty streamed string", "$?\r\n;0\r\n", .bulkString),
        .reply(
            "streamed string child",
            "*2\r\n$?\r\n;2\r\nab\r\n;1\r\nc\r\n;0\r\n:9\r\n",
            .array,
            count: 2,
            integer: 9,
            children: 2,
            heads: ["abc"]
        ),
        .reply(
            "streamed array",
            "*?\r\n:1\r\n:2\r\n:3\r\n.\r\n",
            .array,
            count: 3,
            integer: 3,
            children: 3
        ),
        .reply(
            "streamed map",
            "%?\r\n+a\r\n:1\r\n+b\r\n:2\r\n.\r\n",
            .map,
            count: 2,
            integer: 2,
            children: 4,
            heads: ["a", "", "b"]
        ),
        .reply("empty streamed set", "~?\r\n.\r\n", .set),
        .reply(
            "nested streamed values",
            "*?\r\n*?\r\n+x\r\n.\r\n$?\r\n;1\r\ny\r\n;0\r\n.\r\n",
            .array,
            count: 2,
            children: 2,
            heads: ["", "y"]
        ),
        .reply(
            "streamed array with attribute and null",
            "*?\r\n|1\r\n+a\r\n+b\r\n_\r\n.\r\n",
            .array,
            count: 1,
            nulls: 1,
            children: 1
        ),
        .reply(
            "streamed array inside an array",
            "*2\r\n~?\r\n+a\r\n.\r\n+b\r\n",
            .array,
            count: 2,
            children: 2,
            heads: ["", "b"]
        ),
    ]

    /// Several replies in one buffer, as a pipelined connection receives them.
    static let pipeline = WireVector(
        "reply pipeline",
        mode: .reply,
        bytes: wire("+OK\r\n:1\r\n$-1\r\n*2\r\n$1\r\na\r\n_\r\n|1\r\n+k\r\n+v\r\n#f\r\n"),
        expected: [
            summary(.simpleString, bytes: 5, heads: [head("OK")]),
            summary(.integer, bytes: 4, integer: 1),
            summary(.bulkString, count: -1, bytes: 5),
            summary(.array, count: 2, bytes: 14, nulls: 1, children: 2, heads: [head("a")]),
            summary(.boolean, bytes: 16, heads: [head("f")]),
        ]
    )

    static let all: [WireVector] = scalars + aggregates + streamed + [pipeline]
}
