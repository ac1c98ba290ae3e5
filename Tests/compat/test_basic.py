"""Everyday commands through the proxy give the same results as Redis itself."""

import pytest
import redis

from conftest import RawClient, encode


def test_ping(proxy):
    r = proxy.client()
    assert r.ping() is True
    assert r.echo("hello") == b"hello"
    raw = proxy.raw()
    assert raw.command("PING", "payload") == b"payload"


def test_set_get_del(proxy):
    r = proxy.client()
    assert r.set("basic:k", "v1") is True
    assert r.get("basic:k") == b"v1"
    assert r.set("basic:k", "v2", nx=True) is None
    assert r.delete("basic:k", "basic:missing") == 1
    assert r.get("basic:k") is None


def test_binary_keys_and_values(server, proxy):
    r = proxy.client()
    key = b"bin\r\nkey\x00with\xffbytes"
    value = bytes(range(256)) * 64 + b"\r\n\x00\r\n*1\r\n$4\r\nPING\r\n"
    assert r.set(key, value) is True
    assert r.get(key) == value
    assert r.strlen(key) == len(value)
    # What went through the proxy is byte-identical in Redis.
    assert server.client().get(key) == value
    assert r.exists(key) == 1
    assert r.keys(b"bin\r\n*") == [key]


def test_incr(proxy):
    r = proxy.client()
    assert [r.incr("basic:counter") for _ in range(5)] == [1, 2, 3, 4, 5]
    assert r.incrby("basic:counter", 10) == 15
    assert r.decr("basic:counter") == 14
    r.set("basic:text", "abc")
    with pytest.raises(redis.ResponseError, match="not an integer"):
        r.incr("basic:text")


def test_hash(server, proxy):
    r = proxy.client()
    fields = {b"f%d" % i: b"v\r\n%d" % i for i in range(100)}
    assert r.hset("basic:h", mapping=fields) == 100
    assert r.hgetall("basic:h") == fields
    assert server.client().hgetall("basic:h") == fields
    assert r.hget("basic:h", "f7") == b"v\r\n7"


def test_list(proxy):
    r = proxy.client()
    assert r.lpush("basic:l", *[str(i) for i in range(10)]) == 10
    assert r.lrange("basic:l", 0, -1) == [str(i).encode() for i in reversed(range(10))]
    assert r.rpop("basic:l") == b"0"
    assert r.llen("basic:l") == 9


def test_eval_and_evalsha(proxy):
    r = proxy.client()
    script = "redis.call('SET', KEYS[1], ARGV[1]); return {KEYS[1], redis.call('GET', KEYS[1]), 42}"
    assert r.eval(script, 1, "basic:e", "val") == [b"basic:e", b"val", 42]
    sha = r.script_load("return ARGV[1] .. '!'")
    assert r.evalsha(sha, 0, "hi") == b"hi!"
    with pytest.raises(redis.ResponseError, match="boom"):
        r.eval("return redis.error_reply('boom')", 0)


def test_function_load_and_fcall(proxy):
    r = proxy.client()
    library = (
        "#!lua name=compatlib\n"
        "redis.register_function('compat_echo', function(keys, args) return {keys[1], args[1]} end)\n"
        "redis.register_function{function_name='compat_ro', callback=function(keys, args) return #args end,"
        " flags={'no-writes'}}\n"
    )
    assert r.function_load(library, replace=True) == b"compatlib"
    assert r.fcall("compat_echo", 1, "k", "a\r\nb") == [b"k", b"a\r\nb"]
    assert r.fcall_ro("compat_ro", 0, "x", "y", "z") == 3
    assert r.function_delete("compatlib") is True


def test_client_setname_getname(proxy):
    r = proxy.client()
    assert r.client_getname() is None
    assert r.client_setname("compat-client") is True
    assert r.client_getname() == "compat-client"
    assert r.client_info()["name"] == "compat-client"


def test_info_matches_server(server, proxy):
    r = proxy.client()
    via_proxy = r.info("server")
    direct = server.client().info("server")
    assert via_proxy["redis_version"] == direct["redis_version"] == "7.0.15"
    assert via_proxy["tcp_port"] == server.port
    assert via_proxy["run_id"] == direct["run_id"]
    r.set("basic:info", 1)
    assert r.info("keyspace")["db0"]["keys"] >= 1


def test_deeply_nested_script_reply_same_as_direct(server, proxy):
    """Redis turns a Lua table nested 600 deep into 601 nested arrays; relay them whole."""
    script = "local t = {1} for i = 1, 600 do t = {t} end return t"
    expected = b"*1\r\n" * 601 + b":1\r\n"
    with RawClient(server.port) as direct:
        direct.send(encode("EVAL", script, "0"))
        assert direct.read_exact(len(expected)) == expected
    raw = proxy.raw()
    raw.send(encode("EVAL", script, "0") + encode("PING"))
    try:
        data = raw.read_exact(len(expected) + 7)
    except ConnectionError:
        data = bytes(raw.buf)
        raise AssertionError(f"the proxy closed the connection after {len(data)} bytes "
                             f"({data.count(b'*1')} of 601 levels); tail {data[-24:]!r}") from None
    assert data == expected + b"+PONG\r\n"


def test_long_status_and_error_lines(proxy):
    raw = proxy.raw()
    raw.send(encode("EVAL", "return redis.status_reply(string.rep('s', 100000))", "0")
             + encode("EVAL", "return redis.error_reply('ERR ' .. string.rep('e', 100000))", "0") + encode("PING"))
    assert raw.read_reply() == b"s" * 100_000
    assert raw.read_reply() == "ERR " + "e" * 100_000
    assert raw.read_reply() == b"PONG"
