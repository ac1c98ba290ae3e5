import RESP

/// Request inputs (multibulk and inline), with their exact summaries.
enum RequestVectors {
    static let multibulk: [WireVector] = [
        .request("PING", "*1\r\n$4\r\nPING\r\n", .array, count: 1, children: 1, heads: ["PING"]),
        .request(
            "lengths with leading zeros", "*02\r\n$003\r\nGET\r\n$01\r\nk\r\n", .array, count: 2, children: 2,
            heads: ["GET", "k"]),
        .request(
            "SET key value",
            "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n",
            .array,
            count: 3,
            children: 3,
            heads: ["SET", "key", "value"]
        ),
        .request(
            "MSET keeps three heads",
            "*5\r\n$4\r\nMSET\r\n$2\r\nk1\r\n$2\r\nv1\r\n$2\r\nk2\r\n$2\r\nv2\r\n",
            .array,
            count: 5,
            children: 5,
            heads: ["MSET", "k1", "v1"]
        ),
        .single(
            "binary argument with CRLF and NUL",
            .request,
            wire("*2\r\n$3\r\nGET\r\n$6\r\n") + [0x0D, 0x0A, 0x00, 0x2A, 0x0D, 0x0A] + wire("\r\n"),
            .array,
            count: 2,
            children: 2,
            heads: [head("GET"), ByteHead([0x0D, 0x0A, 0x00, 0x2A, 0x0D, 0x0A])]
        ),
        .request(
            "long key is truncated",
            "*2\r\n$3\r\nGET\r\n$39\r\nuser:0123456789:profile:0123456789:name\r\n",
            .array,
            count: 2,
            children: 2,
            heads: ["GET", "user:0123456789:profile:0123456789:name"]
        ),
        .request(
            "empty argument",
            "*2\r\n$4\r\nECHO\r\n$0\r\n\r\n",
            .array,
            count: 2,
            children: 2,
            heads: ["ECHO", ""]
        ),
        .request("empty multibulk", "*0\r\n", .array),
        .request("null multibulk is empty", "*-1\r\n", .array),
        .request("negative multibulk is empty", "*-7\r\n", .array),
        .request(
            "payload terminator is skipped unchecked, as Redis does",
            "*1\r\n$4\r\nPINGxy",
            .array,
            count: 1,
            children: 1,
            heads: ["PING"]
        ),
    ]

    static let inline: [WireVector] = [
        .request("inline PING", "PING\r\n", .inlineCommand, count: 1, heads: ["PING"]),
        .request("inline with bare LF", "set a b\n", .inlineCommand, count: 3, heads: ["set", "a", "b"]),
        .request("inline with extra spaces", "  get   key  \r\n", .inlineCommand, count: 2, heads: ["get", "key"]),
        .request("inline with tab", "GET\tkey\r\n", .inlineCommand, count: 2, heads: ["GET", "key"]),
        .request(
            "inline double quotes",
            "set k \"hello world\"\r\n",
            .inlineCommand,
            count: 3,
            heads: ["set", "k", "hello world"]
        ),
        .request(
            "inline single quotes",
            "set k 'a b' x\n",
            .inlineCommand,
            count: 4,
            heads: ["set", "k", "a b"]
        ),
        .request("inline empty quoted argument", "set k \"\"\r\n", .inlineCommand, count: 3, heads: ["set", "k", ""]),
        .request(
            "inline long argument is truncated",
            "GET user:0123456789:profile:0123456789:name\n",
            .inlineCommand,
            count: 2,
            heads: ["GET", "user:0123456789:profile:0123456789:name"]
        ),
        .request("blank CRLF line", "\r\n", .inlineCommand),
        .request("blank LF line", "\n", .inlineCommand),
        .request("spaces only", "   \r\n", .inlineCommand),
        .request("dollar line is inline, as in Redis", "$3\r\n", .inlineCommand, count: 1, heads: ["$3"]),
    ]

    /// Multibulk and inline requests mixed in one buffer.
    static let pipeline = WireVector(
        "request pipeline",
        mode: .request,
        bytes: wire("*1\r\n$4\r\nPING\r\nPING\r\n*0\r\n\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"),
        expected: [
            summary(.array, count: 1, bytes: 14, children: 1, heads: [head("PING")]),
            summary(.inlineCommand, count: 1, bytes: 6, heads: [head("PING")]),
            summary(.array, bytes: 4),
            summary(.inlineCommand, bytes: 2),
            summary(.array, count: 2, bytes: 20, children: 2, heads: [head("GET"), head("k")]),
        ]
    )

    static let all: [WireVector] = multibulk + inline + [pipeline]
}
