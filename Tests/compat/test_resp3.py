"""RESP3 and connection-state commands: HELLO, tracking pushes, MONITOR, CLIENT REPLY, QUIT, RESET."""

import re
import socket

from conftest import Push, RawClient, encode, mask_hello_id, parse_client_info


def test_resp3_reply_types_identical_to_direct(server, proxy):
    script = b"".join([
        encode("HELLO", "3"), encode("HSET", "r3:h", "a", "1"), encode("HGETALL", "r3:h"),
        encode("SADD", "r3:s", "x"), encode("SMEMBERS", "r3:s"), encode("ZADD", "r3:z", "1.5", "m"),
        encode("ZRANGE", "r3:z", "0", "-1", "WITHSCORES"), encode("GET", "r3:none"),
        encode("EVAL", "redis.setresp(3); return {double=3.25}", "0"),
        encode("EVAL", "redis.setresp(3); return {map={a=true}}", "0"),
        encode("EVAL", "redis.setresp(3); return {big_number='123456789012345678901234567890'}", "0"),
        encode("EVAL", "redis.setresp(3); return {verbatim_string={format='txt', string='hi'}}", "0"),
        encode("DEL", "r3:h", "r3:s", "r3:z"), encode("OBJECT", "HELP"),
    ])
    replies = []
    for port in (proxy.port, server.port):
        with RawClient(port) as raw:
            raw.send(script + encode("ECHO", "end"))
            data = raw.read_until(b"$3\r\nend\r\n")
            replies.append(mask_hello_id(data))
    assert replies[0] == replies[1]
    for fragment in (b"%1\r\n$1\r\na\r\n$1\r\n1\r\n", b",3.25\r\n", b"_\r\n", b"%1\r\n$1\r\na\r\n#t\r\n",
                     b"(123456789012345678901234567890\r\n", b"~1\r\n"):
        assert fragment in replies[0]


def test_redis_py_protocol_3(proxy):
    r = proxy.client(protocol=3)
    r.hset("r3py:h", mapping={"a": "1", "b": "2"})
    assert r.hgetall("r3py:h") == {b"a": b"1", b"b": b"2"}
    r.sadd("r3py:s", "x", "y")
    assert r.smembers("r3py:s") == {b"x", b"y"}
    r.zadd("r3py:z", {"m": 2.5})
    assert r.zrange("r3py:z", 0, -1, withscores=True) == [[b"m", 2.5]]
    assert r.client_info()["resp"] == "3"


def test_client_tracking_invalidation_push(proxy):
    raw = proxy.raw()
    assert raw.command("HELLO", "3")[b"proto"] == 3
    assert raw.command("CLIENT", "TRACKING", "on") == b"OK"
    assert raw.command("SET", "trk:key", "1") == b"OK"
    assert raw.command("GET", "trk:key") == b"1"
    proxy.client().set("trk:key", "2")
    expected = b">2\r\n$10\r\ninvalidate\r\n*1\r\n$7\r\ntrk:key\r\n"
    assert raw.read_exact(len(expected)) == expected
    # The push did not disturb request/reply pairing.
    assert raw.command("GET", "trk:key") == b"2"
    assert raw.command("PING") == b"PONG"


def test_client_tracking_push_interleaved_with_replies(proxy):
    raw = proxy.raw()
    raw.command("HELLO", "3")
    raw.command("CLIENT", "TRACKING", "on")
    raw.command("GET", "trk:own")
    # Our own write invalidates our own tracked key: the push arrives right before the reply.
    raw.send(encode("SET", "trk:own", "x") + encode("GET", "trk:own"))
    replies = [raw.read_reply() for _ in range(3)]
    assert replies == [Push([b"invalidate", [b"trk:own"]]), b"OK", b"x"] or \
        replies == [b"OK", Push([b"invalidate", [b"trk:own"]]), b"x"]


def test_client_tracking_redirect_resp2(proxy):
    listener = proxy.raw()
    listener_id = listener.command("CLIENT", "ID")
    assert listener.command("SUBSCRIBE", "__redis__:invalidate") == [b"subscribe", b"__redis__:invalidate", 1]
    tracker = proxy.raw()
    assert tracker.command("CLIENT", "TRACKING", "on", "REDIRECT", str(listener_id)) == b"OK"
    tracker.command("GET", "trk:redir")
    proxy.client().set("trk:redir", "v")
    assert listener.read_reply() == [b"message", b"__redis__:invalidate", [b"trk:redir"]]


def test_monitor_sees_other_clients_commands(proxy):
    monitor = proxy.raw()
    assert monitor.command("MONITOR") == b"OK"
    proxy.client().set("mon:key", "mon-value")
    pattern = re.compile(rb'^\+\d+\.\d+ \[0 127\.0\.0\.1:\d+\] "set" "mon:key" "mon-value"$', re.IGNORECASE)
    for _ in range(200):
        line = monitor.read_line()
        assert line.startswith(b"+"), line
        if b'"mon:key"' in line:
            assert pattern.match(line), line
            break
    else:
        raise AssertionError("the SET never showed up in MONITOR")
    # QUIT still works in monitor mode and is answered, then the connection closes.
    monitor.send(encode("QUIT"))
    rest = monitor.read_until_eof()
    assert rest.endswith(b"+OK\r\n")


def test_client_reply_off_then_eof_closes(proxy):
    """A client that turned replies off and hangs up is not waited on forever."""
    raw = proxy.raw()
    raw.send(encode("CLIENT", "REPLY", "OFF") + encode("SET", "rep:eof", "1"))
    raw.sock.shutdown(socket.SHUT_WR)
    assert raw.read_until_eof() == b""


def test_quit(proxy):
    raw = proxy.raw()
    raw.send(encode("PING") + encode("QUIT"))
    assert raw.read_until_eof() == b"+PONG\r\n+OK\r\n"


def test_commands_pipelined_after_quit_get_no_reply(server, proxy):
    """Redis answers QUIT with +OK and closes; commands behind it are never answered."""
    for port in (server.port, proxy.port):
        with RawClient(port) as raw:
            raw.send(encode("PING") + encode("QUIT") + encode("PING") + encode("GET", "x"))
            data = raw.read_until_eof()
            assert data == b"+PONG\r\n+OK\r\n", f"{'proxy' if port == proxy.port else 'redis'} sent {data!r}"


def test_reset(proxy):
    raw = proxy.raw()
    raw.send(encode("HELLO", "3") + encode("SELECT", "2") + encode("CLIENT", "SETNAME", "before-reset")
             + encode("MULTI"))
    raw.read_reply()
    assert [raw.read_reply() for _ in range(3)] == [b"OK", b"OK", b"OK"]
    raw.send(encode("RESET"))
    assert raw.read_exact(len(b"+RESET\r\n")) == b"+RESET\r\n"
    info = parse_client_info(raw.command("CLIENT", "INFO"))
    assert (info["db"], info["resp"], info["name"], info["multi"]) == ("0", "2", "", "-1")
    # RESP2 again on the wire: a map reply is an array now.
    raw.send(encode("HSET", "rst:h", "f", "v") + encode("HGETALL", "rst:h"))
    assert raw.read_exact(len(b":1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n")) == b":1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"
