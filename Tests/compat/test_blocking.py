"""Blocking commands: time-outs and wake-ups through the proxy."""

import time

from conftest import Background, encode, wait_blocked


def test_blpop_times_out(proxy):
    r = proxy.client()
    start = time.monotonic()
    assert r.blpop(["blk:empty"], timeout=0.2) is None
    assert time.monotonic() - start >= 0.18
    # The connection is still usable afterwards.
    assert r.ping() is True


def test_blpop_woken_by_lpush(server, proxy):
    waiter = proxy.client()
    job = Background(lambda: waiter.blpop(["blk:q1", "blk:q2"], timeout=20))
    wait_blocked(server)
    assert proxy.client().lpush("blk:q2", "item") == 1
    assert job.join() == (b"blk:q2", b"item")
    assert job.elapsed < 19
    assert waiter.llen("blk:q2") == 0


def test_brpop_woken(server, proxy):
    waiter = proxy.client()
    job = Background(lambda: waiter.brpop(["blk:r"], timeout=20))
    wait_blocked(server)
    proxy.client().rpush("blk:r", "first", "last")
    assert job.join() == (b"blk:r", b"last")
    assert waiter.lrange("blk:r", 0, -1) == [b"first"]


def test_blmove_woken(server, proxy):
    waiter = proxy.client()
    job = Background(lambda: waiter.blmove("blk:src", "blk:dst", 20, "LEFT", "RIGHT"))
    wait_blocked(server)
    proxy.client().rpush("blk:src", "moved")
    assert job.join() == b"moved"
    assert waiter.lrange("blk:dst", 0, -1) == [b"moved"]


def test_xread_block_woken_by_xadd(server, proxy):
    waiter = proxy.client()
    job = Background(lambda: waiter.xread({"blk:stream": "$"}, block=20_000, count=10))
    wait_blocked(server)
    entry_id = proxy.client().xadd("blk:stream", {"field": "value"})
    result = job.join()
    assert result == [[b"blk:stream", [(entry_id, {b"field": b"value"})]]]


def test_xread_block_times_out(proxy):
    r = proxy.client()
    r.xadd("blk:s2", {"a": "1"})
    start = time.monotonic()
    assert r.xread({"blk:s2": "$"}, block=200) == []
    assert time.monotonic() - start >= 0.18


def test_wait_0_0(proxy):
    r = proxy.client()
    r.set("blk:w", "1")
    assert r.execute_command("WAIT", 0, 0) == 0


def test_pipelined_commands_behind_a_blocked_one(server, proxy):
    """Commands pipelined after BLPOP wait for it and are answered in order."""
    raw = proxy.raw(timeout=20)
    raw.send(encode("BLPOP", "blk:pipe", "20") + encode("ECHO", "after"))
    wait_blocked(server)
    proxy.client().lpush("blk:pipe", "v")
    expected = b"*2\r\n$8\r\nblk:pipe\r\n$1\r\nv\r\n$5\r\nafter\r\n"
    assert raw.read_exact(len(expected)) == expected


def test_many_clients_blocked_at_once(server, proxy):
    waiters = [proxy.client() for _ in range(20)]
    jobs = [Background(lambda w=w: w.blpop(["blk:many"], timeout=20)) for w in waiters]
    wait_blocked(server, count=20)
    proxy.client().rpush("blk:many", *[str(i) for i in range(20)])
    results = sorted(int(job.join()[1]) for job in jobs)
    assert results == list(range(20))
