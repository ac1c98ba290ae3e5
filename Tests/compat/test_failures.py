"""Upstream failures, malformed client input, pool exhaustion: what Redis would do."""

import time

import pytest
import redis

from conftest import Background, RawClient, encode, free_port, wait_blocked, wait_until
from metrics_support import scrape


# --------------------------------------------------------------------------- upstream down
# The proxy never answers for Redis: when Redis cannot be reached or goes away, the client's
# connection closes, as it would talking to Redis, so the client's retry logic runs.


def test_upstream_unreachable_at_connect(lens_factory):
    dead_port = free_port()
    # The client waits up to --pool-wait-timeout for Redis to come back, then is closed.
    proxy = lens_factory(f"redis://127.0.0.1:{dead_port}", "--pool-wait-timeout", "0.5", ready=False)
    raw = proxy.raw()
    raw.send(encode("PING"))
    assert raw.read_until_eof() == b""  # closed, with no reply of the proxy's own
    wait_until(lambda: scrape(proxy).get("redislens_client_connections_refused_total", reason="upstream_unavailable")
               == 1, 10, "the refusal counted")
    # Counted under the lock, logged just after it.
    lines = wait_until(lambda: [line for line in proxy.logs().splitlines()
                                if b"client connection closed: upstream unavailable" in line], 10, "the refusal logged")
    assert len(lines) == 1 and b"connect refused 127.0.0.1:%d" % dead_port in lines[0], lines


def test_upstream_unreachable_redis_py_and_readyz(lens_factory):
    dead_port = free_port()
    proxy = lens_factory(f"redis://127.0.0.1:{dead_port}", "--pool-wait-timeout", "0.5", ready=False)
    for lib in ({"lib_name": None, "lib_version": None}, {}):
        with pytest.raises(redis.ConnectionError):
            proxy.client(**lib).ping()
    status, body = wait_until(lambda: (lambda s: s if "connect refused" in s[1] else None)(proxy.http("/readyz")),
                              15, "/readyz to report the refused connect")
    assert status == 503
    assert body.startswith("upstream unavailable: ") and f"127.0.0.1:{dead_port}" in body
    assert proxy.http("/healthz") == (200, "ok\n")


def test_wrong_upstream_password_does_not_leak(redis_factory, lens_factory):
    server = redis_factory(password="right-password")
    proxy = lens_factory(server.url(password="Wr0ngSecret"), ready=False)
    with proxy.raw() as through, server.raw() as direct:
        assert through.command("PING") == direct.command("PING") == "NOAUTH Authentication required."
    bodies = [proxy.http(path)[1] for path in ("/readyz", "/metrics", "/stats")]
    assert not any("Wr0ngSecret" in body for body in bodies)
    proxy.stop()
    assert b"Wr0ngSecret" not in proxy.logs()


def test_upstream_killed_with_replies_owed(server, proxy):
    raw = proxy.raw(timeout=20)
    raw.send(encode("SET", "kill:a", "1") + encode("BLPOP", "kill:q", "0") + encode("GET", "kill:a"))
    assert raw.read_exact(5) == b"+OK\r\n"
    wait_blocked(server)
    server.kill()
    assert raw.read_until_eof() == b""  # the close, as from Redis itself; no invented replies
    # Reasons `closed` and `error`, the only two.
    disconnects = wait_until(lambda: scrape(proxy).sum("redislens_upstream_disconnects_total"), 10,
                             "the lost upstream connection counted")
    assert disconnects == 1
    wait_until(lambda: b"upstream connection lost" in proxy.logs(), 10, "the lost connection logged")


def test_upstream_killed_mid_pipeline_then_recovers(server, lens_factory):
    # Readiness follows Redis within the INFO poll's interval: a second, not the default 5.
    proxy = lens_factory(server, "--info-interval", "1")
    r = proxy.client(socket_timeout=30)
    value = "v" * 100
    completed = []

    def run_pipelines():
        # Up to 10 minutes' worth is never reached: the kill below ends it.
        for n in range(100_000):
            pipe = r.pipeline(transaction=False)
            for i in range(2000):
                pipe.set(f"mid:{i}", value)
                pipe.get(f"mid:{i}")
            try:
                results = pipe.execute(raise_on_error=False)
            except (redis.ConnectionError, redis.TimeoutError) as error:
                return ("raised", error)
            failed = [i for i, x in enumerate(results) if isinstance(x, Exception)]
            if failed:
                return ("errors", results)
            assert results == [True, value.encode()] * 2000, "wrong data in a complete pipeline"
            completed.append(n)
        return ("never failed", None)

    job = Background(run_pipelines)
    wait_until(lambda: len(completed) >= 2, 30, "two pipelines to complete")
    server.kill()
    outcome, detail = job.join(timeout=30)
    # A connection error, as with Redis directly: never an error reply in the pipeline.
    assert outcome == "raised", (outcome, detail and {type(x).__name__ for x in detail})
    # The proxy notices and says so.
    wait_until(lambda: proxy.http("/readyz")[0] == 503, 20, "/readyz 503 after the upstream died")
    server.start()  # same port
    fresh = wait_until(lambda: proxy.client(socket_timeout=5).ping(), 30, "the proxy to serve again")
    assert fresh is True
    r2 = proxy.client()
    assert r2.set("after:restart", "yes") is True and r2.get("after:restart") == b"yes"
    wait_until(lambda: proxy.http("/readyz")[0] == 200, 20, "/readyz 200 again")


# --------------------------------------------------------------------------- malformed requests
# Malformed frames after valid commands (bad lengths, an integer in a request, unbalanced
# quotes) end the differential streams (differential.py, MALFORMED_ENDINGS).


def test_inline_line_over_64_kib_same_as_redis(server, proxy):
    """Over 64 KiB without a newline, Redis refuses an inline command; the proxy stops measuring and Redis decides."""
    for port in (proxy.port, server.port):
        with RawClient(port) as raw:
            raw.send(b"PING\r\n" + b"SET k " + b"a" * (70 * 1024))
            assert raw.read_until_eof() == b"+PONG\r\n-ERR Protocol error: too big inline request\r\n"


def test_bulk_over_redis_proto_max_bulk_len_same_as_redis(redis_factory, lens_factory):
    server = redis_factory("--proto-max-bulk-len", "1mb")
    proxy = lens_factory(server, "--max-bulk-length", str(1 << 20))  # the proxy's limit follows Redis's
    for port in (proxy.port, server.port):
        with RawClient(port) as raw:
            raw.send(encode("SET", "mb:ok", "x" * (1 << 20)) + encode("SET", "mb:big", "x" * ((1 << 20) + 1)))
            assert raw.read_until_eof() == b"+OK\r\n-ERR Protocol error: invalid bulk length\r\n"
    assert server.client().exists("mb:big") == 0
    assert scrape(proxy).get("redislens_client_protocol_errors_total") == 1


# --------------------------------------------------------------------------- pool limits


@pytest.mark.dedicated_pool  # --pool-max bounds the clients only when each holds a connection
def test_pool_exhausted(server, lens_factory):
    proxy = lens_factory(server, "--pool-max", "1", "--pool-min-idle", "0", "--pool-wait-timeout", "1")
    holder = proxy.client()
    assert holder.ping() is True
    start = time.monotonic()
    data = proxy.raw(timeout=30).read_until_eof()
    elapsed = time.monotonic() - start
    assert data == b"-ERR max number of clients reached\r\n", data  # what Redis sends at maxclients
    assert scrape(proxy).get("redislens_client_connections_refused_total", reason="max_clients") == 1
    assert 0.9 <= elapsed < 15, elapsed
    # The holder was not disturbed; once it leaves, others get the connection.
    assert holder.get("nothing") is None
    holder.close()
    assert wait_until(lambda: proxy.client(socket_timeout=5).ping(), 15, "a client to get the freed connection")


def test_idle_pool_connections_closed_by_redis_timeout(redis_factory, lens_factory):
    """Redis's `timeout` closes the proxy's warm connections; clients never get a dead one."""
    server = redis_factory("--timeout", "1")
    proxy = lens_factory(server, "--pool-min-idle", "2")
    first = {c["id"] for c in server.client().client_list()}

    def warm_ones_replaced():
        now = server.raw(timeout=2)
        try:
            ids = {line.split(" ")[0] for line in now.command("CLIENT", "LIST").decode().splitlines()}
        finally:
            now.close()
        return not ({f"id={i}" for i in first} & ids)

    wait_until(warm_ones_replaced, 20, "Redis to close the idle pooled connections")
    for i in range(6):
        r = proxy.client(socket_timeout=10)
        assert r.set(f"idle:{i}", i) is True, f"client {i}"
        r.close()
    assert proxy.http("/readyz")[0] == 200
