"""Deep pipelines: every reply arrives, correct and in order."""

import pytest

from conftest import encode

N = 10_000


def test_redis_py_pipeline_10000_commands(server, proxy):
    r = proxy.client()
    pipe = r.pipeline(transaction=False)
    expected = []
    for i in range(N):
        kind = i % 4
        key = f"pipe:{i // 4}"
        if kind == 0:
            pipe.set(key, f"value-{i}\r\n")
            expected.append(True)
        elif kind == 1:
            pipe.get(key)
            expected.append(f"value-{i - 1}\r\n".encode())
        elif kind == 2:
            pipe.incr("pipe:counter")
            expected.append(i // 4 + 1)
        else:
            pipe.echo(b"e%d" % i)
            expected.append(b"e%d" % i)
    results = pipe.execute()
    assert len(results) == N
    mismatches = [(i, got, want) for i, (got, want) in enumerate(zip(results, expected)) if got != want]
    assert mismatches == []
    assert server.client().get("pipe:counter") == b"2500"


@pytest.mark.parametrize("request_bytes", [encode("PING"), b"PING\r\n"], ids=["multibulk", "inline"])
def test_raw_10000_pings_in_one_write(proxy, request_bytes):
    raw = proxy.raw(timeout=30)
    raw.send(request_bytes * N)
    assert raw.read_exact(7 * N) == b"+PONG\r\n" * N
    # Nothing extra was queued behind them: the next reply is the marker's.
    raw.send(encode("ECHO", "after"))
    assert raw.read_exact(len(b"$5\r\nafter\r\n")) == b"$5\r\nafter\r\n"


def test_pipeline_of_mixed_sizes_split_across_writes(server, proxy):
    """Requests split at arbitrary byte positions still pair up and arrive whole."""
    big = b"x" * 100_000
    stream = b"".join(encode("SET", f"split:{i}", big[: i * 997]) + encode("GET", f"split:{i}") for i in range(60))
    raw = proxy.raw(timeout=30)
    for start in range(0, len(stream), 7919):
        raw.send(stream[start:start + 7919])
    for i in range(60):
        assert raw.read_reply() == b"OK"
        assert raw.read_reply() == big[: i * 997]
    assert server.client().strlen("split:59") == 59 * 997


def test_transactional_pipeline_1000_commands(proxy):
    r = proxy.client()
    pipe = r.pipeline(transaction=True)
    for i in range(1000):
        pipe.rpush("pipe:tx", i)
    results = pipe.execute()
    assert results == list(range(1, 1001))
    assert r.lrange("pipe:tx", 0, 2) == [b"0", b"1", b"2"]
