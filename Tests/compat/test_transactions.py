"""MULTI/EXEC, WATCH and DISCARD through the proxy."""

import pytest
import redis

from conftest import encode


def test_multi_exec_redis_py(proxy):
    r = proxy.client()
    with r.pipeline(transaction=True) as pipe:
        pipe.set("tx:k", "v").get("tx:k").lpush("tx:l", "a", "b").lrange("tx:l", 0, -1)
        assert pipe.execute() == [True, b"v", 2, [b"b", b"a"]]


def test_exec_with_runtime_error_inside(proxy):
    raw = proxy.raw()
    raw.send(encode("SET", "tx:str", "abc") + encode("MULTI") + encode("INCR", "tx:str") + encode("SET", "tx:x", "1")
             + encode("EXEC"))
    assert raw.read_reply() == b"OK"
    assert raw.read_reply() == b"OK"
    assert raw.read_reply() == b"QUEUED"
    assert raw.read_reply() == b"QUEUED"
    result = raw.read_reply()
    assert result[0].startswith("ERR value is not an integer")
    assert result[1] == b"OK"


def test_execabort_after_queueing_error(proxy):
    raw = proxy.raw()
    raw.send(encode("MULTI") + encode("SET", "tx:only-key") + encode("EXEC") + encode("PING"))
    assert raw.read_reply() == b"OK"
    assert raw.read_reply().startswith("ERR wrong number of arguments")
    assert raw.read_reply().startswith("EXECABORT")
    assert raw.read_reply() == b"PONG"


def test_discard(server, proxy):
    raw = proxy.raw()
    raw.send(encode("MULTI") + encode("SET", "tx:discarded", "1") + encode("DISCARD") + encode("EXISTS", "tx:discarded"))
    expected = b"+OK\r\n+QUEUED\r\n+OK\r\n:0\r\n"
    assert raw.read_exact(len(expected)) == expected
    assert server.client().exists("tx:discarded") == 0


def test_watch_conflict(proxy):
    r = proxy.client()
    other = proxy.client()
    r.set("tx:watched", "0")
    with r.pipeline(transaction=True) as pipe:
        pipe.watch("tx:watched")
        assert pipe.get("tx:watched") == b"0"
        other.set("tx:watched", "changed-by-other")
        pipe.multi()
        pipe.set("tx:watched", "mine")
        with pytest.raises(redis.WatchError):
            pipe.execute()
    assert r.get("tx:watched") == b"changed-by-other"


def test_watch_conflict_raw_exec_returns_null(proxy):
    a = proxy.raw()
    b = proxy.client()
    assert a.command("WATCH", "tx:w2") == b"OK"
    b.set("tx:w2", "x")
    a.send(encode("MULTI") + encode("SET", "tx:w2", "y") + encode("EXEC"))
    assert a.read_exact(len(b"+OK\r\n+QUEUED\r\n*-1\r\n")) == b"+OK\r\n+QUEUED\r\n*-1\r\n"
    assert b.get("tx:w2") == b"x"


def test_watch_without_conflict_commits(proxy):
    r = proxy.client()
    r.set("tx:counter", "10")
    with r.pipeline(transaction=True) as pipe:
        pipe.watch("tx:counter")
        value = int(pipe.get("tx:counter"))
        pipe.multi()
        pipe.set("tx:counter", value + 1)
        assert pipe.execute() == [True]
    assert r.get("tx:counter") == b"11"
