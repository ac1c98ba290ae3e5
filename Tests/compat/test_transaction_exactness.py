"""Exact inside transactions: redis-py's default pipeline is MULTI/EXEC, and redis-lens pairs
EXEC's reply element by element with the queued commands. Its counters equal Redis's own
over the same traffic: commands = calls + rejected_calls, errors = failed_calls +
rejected_calls (INFO commandstats), hits and misses = keyspace_hits and keyspace_misses."""

import pytest
import redis

from metrics_support import commandstats, info_stats, scrape

# Sent by the test's own direct connection, or by the proxy's pool (RESET of a connection a
# client gave back), never by a client through the proxy.
DIRECT_ONLY = {"config|resetstat", "info", "reset"}
# Commands Redis does not know, which it does not count either (redis-py's CLIENT SETINFO on
# Redis 7.0): redis-lens counts them as `other`.
UNKNOWN = "other"


def lens_counts(expo):
    commands = expo.by_label("redislens_commands_total", "command")
    errors = {}
    for labels, value in expo.series("redislens_command_errors_total"):
        errors[labels["command"]] = errors.get(labels["command"], 0) + value
    hits = sum(expo.by_label("redislens_cache_hits_total", "command").values())
    misses = sum(expo.by_label("redislens_cache_misses_total", "command").values())
    outcomes = expo.by_label("redislens_transactions_total", "outcome")
    return commands, errors, (hits, misses), outcomes


def minus(after, before):
    return {k: v - before.get(k, 0) for k, v in after.items() if v - before.get(k, 0)}


def run_mix(lens, server, protocol):
    """The traffic: transactional pipelines (hits, misses, MGET, HGET, EXISTS, a WRONGTYPE
    inside EXEC, an EXECABORT, a WATCH conflict, a DISCARD), and plain commands."""
    r = lens.client(protocol=protocol)
    other = lens.client()
    for round_ in range(3):
        pipe = r.pipeline()  # transaction=True: MULTI ... EXEC
        for i in range(40):
            pipe.get(f"tx:hit:{i % 5}")
            pipe.get(f"tx:miss:{round_}:{i}")
        pipe.mget("tx:hit:0", "tx:nope", "tx:hit:1")
        pipe.hget("tx:hash", "f")
        pipe.hget("tx:nohash", "f")
        pipe.exists("tx:hit:2", "tx:hit:3", "tx:none")
        pipe.incr("tx:counter")
        results = pipe.execute()
        assert results[:2] == [b"v", None] and results[-1] == round_ + 1

        pipe = r.pipeline()
        pipe.set("tx:string", "x")
        pipe.hget("tx:string", "f")  # WRONGTYPE, inside EXEC's reply
        pipe.get("tx:hit:0")
        out = pipe.execute(raise_on_error=False)
        assert isinstance(out[1], redis.ResponseError) and "WRONGTYPE" in str(out[1])

        pipe = r.pipeline()
        pipe.get("tx:hit:1")
        pipe.execute_command("GET")  # wrong arity: rejected at queue time, EXEC aborts
        with pytest.raises((redis.exceptions.ExecAbortError, redis.ResponseError)):
            pipe.execute()

        with r.pipeline() as pipe:
            pipe.watch("tx:watched")
            other.set("tx:watched", round_)  # the conflict
            pipe.multi()
            pipe.get("tx:hit:2")
            pipe.get("tx:watched")
            with pytest.raises(redis.WatchError):
                pipe.execute()

        raw = lens.raw()
        assert raw.command("MULTI") == b"OK"
        assert raw.command("GET", "tx:hit:3") == b"QUEUED"
        assert raw.command("DISCARD") == b"OK"
        raw.close()

        # Plain commands between the transactions.
        assert r.get("tx:hit:4") == b"v" and r.get("tx:plain:miss") is None
        assert r.mget("tx:hit:1", "tx:plain:nope") == [b"v", None]


@pytest.mark.parametrize("protocol", [2, 3])
def test_transactions_equal_redis_counters(server, lens_factory, protocol):
    lens = lens_factory(server, "--info-interval", "0")
    direct = server.client()
    direct.mset({f"tx:hit:{i}": "v" for i in range(5)})
    direct.hset("tx:hash", "f", "1")
    before = lens_counts(scrape(lens))
    direct.execute_command("CONFIG", "RESETSTAT")

    run_mix(lens, server, protocol)

    after = lens_counts(scrape(lens))
    stats = commandstats(direct)
    keyspace = info_stats(direct)
    lens_commands = minus(after[0], before[0])
    assert lens_commands.pop(UNKNOWN, 0) > 0  # LIB-NAME and LIB-VER on each redis-py connection
    redis_commands = {name: s.get("calls", 0) + s.get("rejected_calls", 0) for name, s in stats.items()
                      if name not in DIRECT_ONLY and s.get("calls", 0) + s.get("rejected_calls", 0)}
    assert lens_commands == redis_commands, f"redis-lens {lens_commands}\nRedis {redis_commands}"
    lens_errors = minus(after[1], before[1])
    lens_errors.pop(UNKNOWN, 0)
    redis_errors = {name: s.get("failed_calls", 0) + s.get("rejected_calls", 0) for name, s in stats.items()
                    if name not in DIRECT_ONLY and s.get("failed_calls", 0) + s.get("rejected_calls", 0)}
    assert lens_errors == redis_errors, f"redis-lens {lens_errors}\nRedis {redis_errors}"
    redis_keyspace = (int(keyspace["keyspace_hits"]), int(keyspace["keyspace_misses"]))
    lens_keyspace = (after[2][0] - before[2][0], after[2][1] - before[2][1])
    assert lens_keyspace == redis_keyspace, f"redis-lens (hits, misses) {lens_keyspace}, Redis {redis_keyspace}"
    assert lens_keyspace[0] > 100 and lens_keyspace[1] > 100
    assert minus(after[3], before[3]) == {"exec": 6, "abort": 3, "watch_conflict": 3, "discard": 3}
