"""A lost Redis looks lost: redis-py's own retry logic (which handles connection errors,
never error replies) carries the application through a Redis restart behind the proxy."""

import pytest
import redis
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

from conftest import Background, wait_until
from metrics_support import scrape

PIPELINE = 1_000


def retrying_client(proxy):
    # redis-py's defaults with 3 retries: about 0.1 s of back-off in all. A retry is a new
    # connection through the proxy, which waits for Redis (--pool-wait-timeout) to come back.
    return proxy.client(retry=Retry(ExponentialBackoff(), 3),
                        retry_on_error=[redis.ConnectionError, redis.TimeoutError], socket_timeout=10,
                        single_connection_client=False)


def refused_connects(proxy):
    return scrape(proxy).get("redislens_upstream_connect_errors_total", 0, reason="refused")


def test_kill_9_with_a_thousand_commands_in_flight(server, proxy):
    r = retrying_client(proxy)
    done, errors = [], []

    def write_batches():
        for batch in range(200):
            pipe = r.pipeline(transaction=False)
            for i in range(PIPELINE):
                pipe.set(f"loss:{batch}:{i}", batch)
            results = pipe.execute(raise_on_error=False)
            errors.extend(x for x in results if isinstance(x, Exception))
            assert results == [True] * PIPELINE, f"batch {batch}"
            done.append(batch)
            if len(done) >= 12:
                return

    job = Background(write_batches)
    wait_until(lambda: len(done) >= 2, 30, "two batches through the proxy")
    server.kill()  # kill -9, with a pipeline of 1,000 SETs in flight or about to be
    killed_at = len(done)
    server.start()  # same port, empty
    job.join(timeout=120)
    assert errors == [], {type(x).__name__: str(x) for x in errors}
    assert len(done) == 12 and killed_at < 12
    # The client's connection was closed under it (no reply invented), and it retried.
    assert scrape(proxy).sum("redislens_upstream_disconnects_total") >= 1  # reasons `closed` and `error`
    assert server.client().get(f"loss:11:{PIPELINE - 1}") == b"11"


@pytest.mark.parametrize("pipelined", [False, True])
def test_upstream_down_at_connect_is_retried(server, proxy, pipelined):
    server.kill()
    wait_until(lambda: proxy.http("/readyz")[0] == 503, 20, "/readyz 503")
    r = retrying_client(proxy)

    def write():
        if not pipelined:
            return r.set("down:k", "v")
        pipe = r.pipeline(transaction=False)
        pipe.set("down:k", "v")
        pipe.get("down:k")
        return pipe.execute()

    job = Background(write)
    # The client waits in the proxy (up to --pool-wait-timeout) while it tries Redis again.
    wait_until(lambda: scrape(proxy).get("redislens_client_connections") == 1, 20, "the client to connect")
    before = refused_connects(proxy)
    wait_until(lambda: refused_connects(proxy) >= before + 2, 20, "the proxy to retry Redis for the client")
    server.start()
    assert job.join(timeout=60) == ([True, b"v"] if pipelined else True)
    assert scrape(proxy).get("redislens_client_connections_refused_total", reason="upstream_unavailable") == 0
    assert server.client().get("down:k") == b"v"


def test_command_table_is_reloaded_when_redis_comes_back(server, proxy):
    """The proxy reads COMMAND at start-up and again each time its pool sees Redis back."""
    def loads():
        return proxy.logs().count(b"command table loaded from upstream")

    wait_until(lambda: loads() >= 1, 15, "the COMMAND load at start-up")
    server.kill()
    wait_until(lambda: proxy.http("/readyz")[0] == 503, 15, "the proxy to notice Redis is gone")
    server.start()  # same port
    wait_until(lambda: loads() >= 2, 20, "the COMMAND load after Redis came back")
    assert b"using the built-in command table" not in proxy.logs()
