"""redis-lens's counters agree exactly with what Redis itself counted.

The proxy counts a command in `redislens_commands_total` when it was forwarded and
answered (error replies and `+QUEUED` replies in MULTI included, commands whose reply
was switched off by CLIENT REPLY OFF/SKIP excluded). Redis's `INFO commandstats` counts
`calls` (executed, failed or not) and `rejected_calls` (refused before running: wrong
arity, ...). So for every command a test sends through the proxy, the delta of
`redislens_commands_total` must equal the delta of `calls + rejected_calls`, read straight
from Redis (never through the proxy, so the reads are not counted themselves).

The proxy's own upstream connections send commands of their own (RESET when a client
leaves, AUTH/SELECT logins, COMMAND at start-up); those are excluded because the tests
only compare commands they sent, and every measured client stays connected until the
final reads.
"""

import random
import socket

import pytest

from conftest import LOOPBACK, ErrorReply, RawClient, encode, free_port, http_get, wait_until
from metrics_support import (
    answered,
    check_histogram,
    commandstats,
    counting_client,
    delta,
    info_stats,
    scrape,
)

COMMANDS = "redislens_commands_total"
ERRORS = "redislens_command_errors_total"


def command_counts(expo):
    return expo.by_label(COMMANDS, "command")


def error_counts(expo):
    return {(labels["command"], labels["error"]): value for labels, value in expo.series(ERRORS)}


def wait_for_total(lens, before, expected_total, what):
    """Scrapes until the commands_total delta reaches `expected_total` (it never should lag:
    the proxy records a command before relaying its reply), then returns that scrape."""
    def reached():
        expo = scrape(lens)
        got = sum(delta(before, command_counts(expo)).values())
        return expo if got >= expected_total else None

    return wait_until(reached, 10, what)


# --------------------------------------------------------------------------- commands_total


def test_commands_total_equals_redis_commandstats(server, lens_factory):
    lens = lens_factory(server)
    direct = server.client()
    client = counting_client(lens)
    # The measured connection is leased and attached before the window opens.
    assert client.command("ECHO", "warm-up") == b"warm-up"

    direct.execute_command("CONFIG", "RESETSTAT")
    before = scrape(lens)
    base_bytes = (client.sent_bytes, client.received_bytes)

    sent = []  # every command sent through the proxy in the window (label, counted by Redis?)

    def run(*args, counted_by_redis=True):
        sent.append((args[0].lower(), counted_by_redis))
        return client.command(*args)

    # Everyday commands, hits and misses, errors.
    assert run("SET", "k:str", "v") == b"OK"
    assert run("SET", "k:str2", "v2") == b"OK"
    assert run("GET", "k:str") == b"v"
    assert run("GET", "k:missing") is None
    assert run("MGET", "k:str", "k:nope", "k:str2", "k:nope2") == [b"v", None, b"v2", None]
    for expected in (1, 2, 3):
        assert run("INCR", "k:counter") == expected
    assert run("HSET", "k:hash", "f", "v", "g", "w") == 2
    assert run("HGET", "k:hash", "f") == b"v"
    assert run("HGET", "k:hash", "nofield") is None
    assert run("LPUSH", "k:list", "a", "b", "c") == 3
    assert run("LRANGE", "k:list", "0", "-1") == [b"c", b"b", b"a"]
    assert run("EXPIRE", "k:str", "1000") == 1
    assert run("EXISTS", "k:str", "k:missing", "k:str2") == 2
    assert run("DEL", "k:str2", "k:missing") == 1
    assert run("ECHO", "hello") == b"hello"
    wrongtype = run("GET", "k:list")
    assert isinstance(wrongtype, ErrorReply) and wrongtype.startswith("WRONGTYPE"), wrongtype
    arity = run("GET")
    assert isinstance(arity, ErrorReply) and "wrong number of arguments" in arity, arity
    arity = run("HSET", "k:hash", "f")
    assert isinstance(arity, ErrorReply) and "wrong number of arguments" in arity, arity

    # A 1,000-command pipeline in one write.
    pipeline = []
    for i in range(1000):
        pipeline.append([("SET", f"p:{i}", str(i)), ("GET", f"p:{i}"), ("INCR", "p:ctr"), ("HGET", "k:hash", "g")][i % 4])
    replies = client.pipeline(pipeline)
    assert len(replies) == 1000 and not any(isinstance(r, ErrorReply) for r in replies)
    assert replies[-2] == 250  # the last INCR
    sent.extend((command[0].lower(), True) for command in pipeline)

    # A transaction that runs, one of whose commands fails inside EXEC.
    assert run("MULTI") == b"OK"
    assert run("SET", "k:tx", "1") == b"QUEUED"
    assert run("INCR", "k:tx") == b"QUEUED"
    assert run("LPUSH", "k:str", "x") == b"QUEUED"  # WRONGTYPE, but only when EXEC runs it
    assert run("GET", "k:tx") == b"QUEUED"
    result = run("EXEC")
    assert result[:2] == [b"OK", 2] and isinstance(result[2], ErrorReply) and result[3] == b"2", result

    assert client.sent_bytes > base_bytes[0]
    expected_total = len(sent)
    after = wait_for_total(lens, command_counts(before), expected_total, f"{expected_total} commands counted")
    stats = commandstats(direct)

    sent_counts = {}
    for label, _ in sent:
        sent_counts[label] = sent_counts.get(label, 0) + 1
    proxy_delta = delta(command_counts(before), command_counts(after))

    # Three-way agreement: what the test sent, what redis-lens counted, what Redis counted.
    mismatches = {
        label: {"sent": count, "redis-lens": proxy_delta.get(label, 0), "redis": answered(stats.get(label))}
        for label, count in sent_counts.items()
        if not (count == proxy_delta.get(label, 0) == answered(stats.get(label)))
    }
    assert not mismatches, f"per-command counts disagree: {mismatches}; reset calls seen by Redis: " \
                           f"{answered(stats.get('reset'))}"
    unexpected = {label: n for label, n in proxy_delta.items() if label not in sent_counts}
    assert not unexpected, f"redis-lens counted commands the test did not send: {unexpected}"

    # Categories follow the command (a few spot checks).
    categories = {labels["command"]: labels["category"] for labels, _ in after.series(COMMANDS)}
    assert categories["get"] == "read" and categories["set"] == "write" and categories["del"] == "delete"
    assert categories["expire"] == "delete" and categories["multi"] == "transaction", categories

    # Error replies by Redis error prefix match Redis's failed_calls + rejected_calls, the
    # LPUSH that failed inside EXEC's reply included (paired with its queued command).
    errors = delta(error_counts(before), error_counts(after))
    assert errors == {("get", "WRONGTYPE"): 1, ("get", "ERR"): 1, ("hset", "ERR"): 1, ("lpush", "WRONGTYPE"): 1}, errors
    for label in ("get", "hset", "set", "mget", "incr", "hget", "lrange", "expire", "exists", "del", "echo", "lpush"):
        entry = stats.get(label, {})
        redis_errors = entry.get("failed_calls", 0) + entry.get("rejected_calls", 0)
        proxy_errors = sum(n for (command, _), n in errors.items() if command == label)
        assert proxy_errors == redis_errors, f"{label}: redis-lens {proxy_errors} errors, Redis {redis_errors}"
    assert stats["lpush"]["failed_calls"] == 1

    # Duration histograms: one observation per counted command.
    for label, count in proxy_delta.items():
        labels = {"command": label, "category": categories[label]}
        hist_after = check_histogram(after, "redislens_command_duration_seconds", labels)
        hist_before = before.get("redislens_command_duration_seconds_count", 0, **labels)
        assert hist_after - hist_before == count, f"{label}: histogram count grew {hist_after - hist_before}, {count} commands"

    # Client byte counters: exactly what this client wrote and read in the window.
    sent_bytes = after.get("redislens_client_sent_bytes_total") - before.get("redislens_client_sent_bytes_total")
    received = after.get("redislens_client_received_bytes_total") - before.get("redislens_client_received_bytes_total")
    assert received == client.sent_bytes - base_bytes[0], "redislens_client_received_bytes_total delta"
    assert sent_bytes == client.received_bytes - base_bytes[1], "redislens_client_sent_bytes_total delta"


def test_discarded_and_aborted_transactions(server, lens_factory):
    """Queued commands count when EXEC runs them, as Redis counts them; a command rejected at
    queue time counts at once (Redis's rejected_calls); DISCARD and EXECABORT run nothing."""
    lens = lens_factory(server)
    direct = server.client()
    client = counting_client(lens)
    assert client.command("ECHO", "warm-up") == b"warm-up"
    direct.execute_command("CONFIG", "RESETSTAT")
    before = scrape(lens)

    # MULTI ... DISCARD: SET and INCR are queued, never run.
    assert client.command("MULTI") == b"OK"
    assert client.command("SET", "t:a", "1") == b"QUEUED"
    assert client.command("INCR", "t:b") == b"QUEUED"
    assert client.command("DISCARD") == b"OK"
    # MULTI ... EXEC aborted by a wrong-arity command at queue time.
    assert client.command("MULTI") == b"OK"
    assert client.command("SET", "t:a", "2") == b"QUEUED"
    error = client.command("GET")
    assert isinstance(error, ErrorReply) and "wrong number of arguments" in error
    aborted = client.command("EXEC")
    assert isinstance(aborted, ErrorReply) and aborted.startswith("EXECABORT"), aborted

    after = wait_for_total(lens, command_counts(before), 5, "5 commands counted")
    stats = commandstats(direct)
    got = delta(command_counts(before), command_counts(after))
    redis_counts = {label: answered(stats.get(label)) for label in ("multi", "discard", "exec", "set", "incr", "get")}
    assert got == {label: n for label, n in redis_counts.items() if n}, f"redis-lens {got}, Redis {redis_counts}"
    assert got == {"multi": 2, "discard": 1, "exec": 1, "get": 1}
    errors = delta(error_counts(before), error_counts(after))
    assert errors == {("get", "ERR"): 1, ("exec", "EXECABORT"): 1}, errors
    outcomes = delta(before.by_label("redislens_transactions_total", "outcome"),
                     after.by_label("redislens_transactions_total", "outcome"))
    assert outcomes == {"discard": 1, "abort": 1}, outcomes


def test_client_reply_off_and_skip_are_not_counted(server, lens_factory):
    lens = lens_factory(server)
    direct = server.client()
    client = counting_client(lens)
    assert client.command("ECHO", "warm-up") == b"warm-up"
    before = scrape(lens)

    client.send(encode("CLIENT", "REPLY", "OFF") + encode("SET", "r:a", "1") + encode("INCR", "r:n"))
    assert client.command("CLIENT", "REPLY", "ON") == b"OK"
    client.send(encode("CLIENT", "REPLY", "SKIP") + encode("INCR", "r:n"))
    assert client.command("GET", "r:a") == b"1"
    assert direct.get("r:n") == b"2"  # both INCRs ran

    after = wait_for_total(lens, command_counts(before), 2, "CLIENT REPLY ON and GET counted")
    got = delta(command_counts(before), command_counts(after))
    assert got == {"client|reply": 1, "get": 1}, got


# --------------------------------------------------------------------------- hits and misses


def test_get_mget_hits_and_misses_equal_keyspace_stats(server, lens_factory):
    """In a phase with only GET and MGET (other reads touch keyspace_hits/misses too)."""
    lens = lens_factory(server)
    direct = server.client()
    present = [f"h:{i}" for i in range(40)]
    direct.mset({key: "x" for key in present})
    client = counting_client(lens)
    assert client.command("ECHO", "warm-up") == b"warm-up"

    stats_before = info_stats(direct)
    before = scrape(lens)

    rng = random.Random(7)
    commands = []
    hits = misses = 0
    for i in range(600):
        if i % 3:
            key = rng.choice(present) if rng.random() < 0.6 else f"h:absent:{i}"
            commands.append(("GET", key))
            hit = key in present
            hits, misses = hits + hit, misses + (not hit)
        else:
            keys = [rng.choice(present) if rng.random() < 0.5 else f"h:absent:{i}:{j}" for j in range(rng.randint(1, 6))]
            commands.append(("MGET", *keys))
            found = sum(key in present for key in keys)
            hits, misses = hits + found, misses + len(keys) - found
    replies = client.pipeline(commands[:300])
    for command in commands[300:]:
        replies.append(client.command(*command))
    assert not any(isinstance(reply, ErrorReply) for reply in replies)
    mget_all_null = client.command("MGET", "h:absent:x", "h:absent:y")
    assert mget_all_null == [None, None]
    misses += 2

    after = wait_for_total(lens, command_counts(before), len(commands) + 1, "GET/MGET counted")
    stats_after = info_stats(direct)
    redis_hits = int(stats_after["keyspace_hits"]) - int(stats_before["keyspace_hits"])
    redis_misses = int(stats_after["keyspace_misses"]) - int(stats_before["keyspace_misses"])
    lens_hits = delta(before.by_label("redislens_cache_hits_total", "command"),
                      after.by_label("redislens_cache_hits_total", "command"))
    lens_misses = delta(before.by_label("redislens_cache_misses_total", "command"),
                        after.by_label("redislens_cache_misses_total", "command"))
    assert (redis_hits, redis_misses) == (hits, misses), "the test's own expectation vs Redis"
    assert sum(lens_hits.values()) == redis_hits, f"hits: redis-lens {lens_hits}, Redis {redis_hits}"
    assert sum(lens_misses.values()) == redis_misses, f"misses: redis-lens {lens_misses}, Redis {redis_misses}"
    assert set(lens_hits) | set(lens_misses) <= {"get", "mget"}


def test_hit_rules_of_other_key_reads(server, lens_factory):
    """The documented rules: null = miss (HGET, LINDEX, ZSCORE, GETEX, GETDEL), per element
    (HMGET, ZMSCORE), EXISTS by count, 1 = hit (HEXISTS, SISMEMBER); errors count neither,
    but WRONGTYPE, which Redis counts as a keyspace hit (the key was found)."""
    lens = lens_factory(server)
    direct = server.client()
    direct.hset("r:h", mapping={"a": "1", "b": "2"})
    direct.rpush("r:l", "x", "y")
    direct.zadd("r:z", {"m": 1})
    direct.sadd("r:s", "m")
    direct.mset({"r:s1": "v", "r:s2": "v"})
    client = counting_client(lens)
    assert client.command("ECHO", "warm-up") == b"warm-up"
    before = scrape(lens)

    script = [
        (("HGET", "r:h", "a"), (1, 0)), (("HGET", "r:h", "zz"), (0, 1)), (("HGET", "r:nohash", "a"), (0, 1)),
        (("LINDEX", "r:l", "0"), (1, 0)), (("LINDEX", "r:l", "9"), (0, 1)),
        (("ZSCORE", "r:z", "m"), (1, 0)), (("ZSCORE", "r:z", "q"), (0, 1)),
        (("GETEX", "r:s1"), (1, 0)), (("GETEX", "r:none"), (0, 1)),
        (("GETDEL", "r:s2"), (1, 0)), (("GETDEL", "r:s2"), (0, 1)),
        (("HMGET", "r:h", "a", "q", "b"), (2, 1)), (("ZMSCORE", "r:z", "m", "q"), (1, 1)),
        (("EXISTS", "r:h", "r:h", "r:none", "r:l"), (3, 1)),
        (("HEXISTS", "r:h", "a"), (1, 0)), (("HEXISTS", "r:h", "q"), (0, 1)),
        (("SISMEMBER", "r:s", "m"), (1, 0)), (("SISMEMBER", "r:s", "q"), (0, 1)),
        (("HGET", "r:l", "a"), (1, 0)),  # WRONGTYPE: a hit, as Redis counts it
    ]
    expected_hits, expected_misses = {}, {}
    for command, (h, m) in script:
        client.command(*command)
        label = command[0].lower()
        expected_hits[label] = expected_hits.get(label, 0) + h
        expected_misses[label] = expected_misses.get(label, 0) + m
    after = wait_for_total(lens, command_counts(before), len(script), "key reads counted")
    hits = delta(before.by_label("redislens_cache_hits_total", "command"),
                 after.by_label("redislens_cache_hits_total", "command"))
    misses = delta(before.by_label("redislens_cache_misses_total", "command"),
                   after.by_label("redislens_cache_misses_total", "command"))
    assert hits == {k: v for k, v in expected_hits.items() if v}, hits
    assert misses == {k: v for k, v in expected_misses.items() if v}, misses


# --------------------------------------------------------------------------- pool


def pool_numbers(expo):
    return {
        "created": expo.get("redislens_upstream_connections_created_total"),
        "wait_count": check_histogram(expo, "redislens_upstream_connection_wait_seconds", {}),
        "wait_sum": expo.get("redislens_upstream_connection_wait_seconds_sum"),
        "clients_total": expo.get("redislens_client_connections_total"),
        "clients_open": expo.get("redislens_client_connections"),
        "idle": expo.get("redislens_upstream_connections", state="idle"),
        "used": expo.get("redislens_upstream_connections", state="used"),
        "pending": expo.get("redislens_upstream_pending_requests"),
        "up": expo.get("redislens_upstream_up"),
    }


def wait_quiet(lens, idle=None):
    """Waits until no client is connected and no upstream connection is in use."""
    def quiet():
        numbers = pool_numbers(scrape(lens))
        ok = numbers["clients_open"] == 0 and numbers["used"] == 0 and numbers["pending"] == 0
        return numbers if ok and (idle is None or numbers["idle"] == idle) else None

    return wait_until(quiet, 15, "no clients and no used upstream connections")


def wait_command_table_loaded(direct):
    """The proxy reads COMMAND once over a connection of its own when the upstream comes
    up; wait for it so that connection is not inside a measured window."""
    wait_until(lambda: answered(commandstats(direct).get("command")) >= 1, 15, "the proxy's COMMAND")


@pytest.mark.dedicated_pool  # one upstream connection per client
def test_pool_metrics_after_sequential_clients(server, lens_factory):
    """With no idle pool, every client opens exactly one upstream connection."""
    lens = lens_factory(server, "--pool-min-idle", "0", "--pool-max-idle", "0")
    direct = server.client()
    wait_command_table_loaded(direct)
    before = wait_quiet(lens, idle=0)
    redis_before = int(info_stats(direct)["total_connections_received"])
    assert before["up"] == 1

    clients = 25
    for i in range(clients):
        with RawClient(lens.port) as raw:
            assert raw.command("SET", f"seq:{i}", "v") == b"OK"
        wait_until(lambda: pool_numbers(scrape(lens))["clients_open"] == 0, 10, f"client {i} gone")

    after = wait_quiet(lens, idle=0)
    redis_after = int(info_stats(direct)["total_connections_received"])
    assert after["clients_total"] - before["clients_total"] == clients
    assert after["wait_count"] - before["wait_count"] == clients, (before, after)
    assert after["created"] - before["created"] == clients, (before, after)
    assert after["wait_sum"] > before["wait_sum"]
    assert redis_after - redis_before == clients, "Redis saw a different number of new connections"


@pytest.mark.dedicated_pool  # every client leases a pooled connection
def test_pool_created_matches_connections_redis_accepted(server, lens_factory):
    """Default pool (4 warm, reused after RESET): connections_created_total follows what
    Redis accepted, and every client's lease is one wait observation."""
    lens = lens_factory(server)
    direct = server.client()
    wait_command_table_loaded(direct)
    wait_quiet(lens)
    before = wait_until(lambda: (n := pool_numbers(scrape(lens)))["idle"] >= 4 and n, 10, "4 idle connections")
    redis_before = int(info_stats(direct)["total_connections_received"])

    clients = 30
    for i in range(clients):
        with RawClient(lens.port) as raw:
            assert raw.command("INCR", "seq:n") == i + 1
    # A few at once too, so the pool has to open more than its idle ones.
    raws = [RawClient(lens.port) for _ in range(8)]
    for raw in raws:
        assert raw.command("INCR", "seq:n") > 0
    for raw in raws:
        raw.close()

    wait_quiet(lens)
    last = {}

    def settled():
        # Replenishing connections may still be opening: poll until both sides agree.
        last["lens"] = after = pool_numbers(scrape(lens))
        last["redis"] = redis_after = int(info_stats(direct)["total_connections_received"])
        return after if after["idle"] >= 4 and \
            after["created"] - before["created"] == redis_after - redis_before else None

    try:
        after = wait_until(settled, 10, "connections_created_total to match Redis's accepted connections")
    except AssertionError:
        raise AssertionError(f"created_total grew {last['lens']['created'] - before['created']}, Redis accepted "
                             f"{last['redis'] - redis_before} connections ({before} -> {last['lens']})") from None
    assert after["wait_count"] - before["wait_count"] == clients + 8, (before, after)
    assert after["clients_total"] - before["clients_total"] == clients + 8
    assert after["created"] - before["created"] >= 4  # eight at once cannot all fit in four idle ones


def test_upstream_down_metrics(redis_factory, lens_factory):
    port = free_port()  # nothing listens here
    # A client waits 0.5 s for Redis before it is closed; readiness follows the INFO poll every second.
    lens = lens_factory(f"redis://{LOOPBACK}:{port}", "--pool-wait-timeout", "0.5", "--info-interval", "1",
                        ready=False)

    def refused():
        expo = scrape(lens)
        return expo if expo.get("redislens_upstream_connect_errors_total", reason="refused", default=0) > 0 else None

    expo = wait_until(refused, 15, "a refused upstream connect counted")
    assert expo.get("redislens_upstream_up") == 0
    assert expo.get("redislens_upstream_connections_created_total") == 0
    reasons = expo.by_label("redislens_upstream_connect_errors_total", "reason")
    assert set(reasons) == {"refused", "timeout", "dns", "auth", "reset", "tls", "other"}, reasons
    assert all(v == 0 for k, v in reasons.items() if k != "refused"), reasons
    status, _, body = http_get(lens.admin_port, "/readyz")
    assert status == 503 and "refused" in body, (status, body)
    status, _, body = http_get(lens.admin_port, "/stats")
    assert status == 200

    # A client is refused; its failed lease is a wait observation and another refused connect.
    refused_before = expo.get("redislens_upstream_connect_errors_total", reason="refused")
    waits_before = check_histogram(expo, "redislens_upstream_connection_wait_seconds", {})
    with socket.create_connection((LOOPBACK, lens.port), timeout=10) as sock:
        sock.settimeout(10)
        data = b""
        while True:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
    assert data == b"", data  # closed as a refused connect looks: no reply of the proxy's own
    later = wait_until(lambda: (e := scrape(lens)) and
                       check_histogram(e, "redislens_upstream_connection_wait_seconds", {}) > waits_before and e,
                       10, "the refused client's wait counted")
    assert later.get("redislens_client_connections_refused_total", reason="upstream_unavailable") == 1
    assert later.get("redislens_client_connections_refused_total", reason="max_clients") == 0
    assert later.get("redislens_upstream_connect_errors_total", reason="refused") > refused_before
    assert later.get("redislens_upstream_up") == 0
    assert later.get("redislens_commands_total", command="other", category="other") is None

    # Redis comes up on that port: upstream_up follows within about a second.
    redis_factory(port=port)
    up = wait_until(lambda: (e := scrape(lens)).get("redislens_upstream_up") == 1 and e, 15, "upstream_up 1")
    assert up.get("redislens_upstream_connections_created_total") > 0
    wait_until(lambda: http_get(lens.admin_port, "/readyz")[0] == 200, 15, "/readyz 200")


# --------------------------------------------------------------------------- more shapes of traffic


def compare_with_commandstats(lens, direct, before, stats_before, expected):
    """Asserts redis-lens's and Redis's deltas both equal `expected` ({label: count})."""
    total = sum(expected.values())
    after = wait_for_total(lens, command_counts(before), total, f"{total} commands counted")
    stats_after = commandstats(direct)
    got = delta(command_counts(before), command_counts(after))
    redis = {label: answered(stats_after.get(label)) - answered(stats_before.get(label)) for label in expected}
    assert got == expected and redis == expected, f"sent {expected}; redis-lens {got}; Redis {redis}"
    return after


def test_pubsub_and_blocking_counts_match_commandstats(server, lens_factory):
    lens = lens_factory(server)
    direct = server.client()
    subscriber = counting_client(lens)
    publisher = counting_client(lens)
    blocker = counting_client(lens)
    for client in (subscriber, publisher, blocker):
        assert client.command("ECHO", "warm-up") == b"warm-up"
    stats_before = commandstats(direct)
    before = scrape(lens)

    subscriber.send(encode("SUBSCRIBE", "ch1", "ch2"))
    assert [subscriber.read_reply() for _ in range(2)] == [[b"subscribe", b"ch1", 1], [b"subscribe", b"ch2", 2]]
    subscriber.send(encode("PSUBSCRIBE", "pat.*"))
    assert subscriber.read_reply() == [b"psubscribe", b"pat.*", 3]
    assert publisher.command("PUBLISH", "ch1", "hello") == 1
    assert publisher.command("PUBLISH", "pat.x", "hi") == 1
    assert subscriber.read_reply() == [b"message", b"ch1", b"hello"]
    assert subscriber.read_reply() == [b"pmessage", b"pat.*", b"pat.x", b"hi"]
    subscriber.send(encode("UNSUBSCRIBE"))
    assert sorted(subscriber.read_reply()[1] for _ in range(2)) == [b"ch1", b"ch2"]
    subscriber.send(encode("PUNSUBSCRIBE"))
    assert subscriber.read_reply() == [b"punsubscribe", b"pat.*", 0]
    assert subscriber.command("GET", "ps:k") is None

    # BLPOP that times out, and one served by a push from another client.
    assert blocker.command("BLPOP", "ps:list", "0.05") is None
    blocker.send(encode("BLPOP", "ps:list", "5"))
    wait_until(lambda: direct.info("clients")["blocked_clients"] == 1, 10, "BLPOP blocked")
    assert publisher.command("RPUSH", "ps:list", "v") == 1
    assert blocker.read_reply() == [b"ps:list", b"v"]

    compare_with_commandstats(lens, direct, before, stats_before, {
        "subscribe": 1, "psubscribe": 1, "publish": 2, "unsubscribe": 1, "punsubscribe": 1, "get": 1,
        "blpop": 2, "rpush": 1})


def test_half_closed_client_gets_every_reply_counted(server, lens_factory):
    """A client that sends a pipeline and shuts down its sending side still gets (and
    the proxy still counts) every reply."""
    lens = lens_factory(server)
    direct = server.client()
    client = counting_client(lens)
    assert client.command("ECHO", "warm-up") == b"warm-up"
    stats_before = commandstats(direct)
    before = scrape(lens)
    client.send(b"".join(encode("INCR", "hc:n") for _ in range(1000)))
    client.sock.shutdown(socket.SHUT_WR)
    data = client.read_until_eof()
    assert data.count(b"\r\n") == 1000 and data.endswith(b":1000\r\n")
    compare_with_commandstats(lens, direct, before, stats_before, {"incr": 1000})
    after = scrape(lens)
    assert after.get("redislens_client_received_bytes_total") - before.get("redislens_client_received_bytes_total") \
        == client.sent_bytes - len(encode("ECHO", "warm-up"))


def test_protocol_error_counted_once_and_prior_commands_counted(server, lens_factory):
    lens = lens_factory(server)
    direct = server.client()
    client = counting_client(lens)
    assert client.command("ECHO", "warm-up") == b"warm-up"
    stats_before = commandstats(direct)
    before = scrape(lens)
    client.send(encode("SET", "pe:k", "1") + encode("INCR", "pe:k") + b"*1\r\n$abc\r\n")
    data = client.read_until_eof()
    assert data.startswith(b"+OK\r\n:2\r\n-ERR Protocol error"), data
    compare_with_commandstats(lens, direct, before, stats_before, {"set": 1, "incr": 1})
    after = wait_until(lambda: (e := scrape(lens)).get("redislens_client_connections") == 0 and e, 10,
                       "the client's connection closed")
    assert after.get("redislens_client_protocol_errors_total") - before.get("redislens_client_protocol_errors_total") == 1


def keyspace_phase(lens, direct, run):
    """Runs `run()` through the proxy and returns ((redis hits, misses), (redis-lens hits, misses))."""
    stats_before = info_stats(direct)
    before = scrape(lens)
    run()
    after = scrape(lens)
    stats_after = info_stats(direct)
    redis = (int(stats_after["keyspace_hits"]) - int(stats_before["keyspace_hits"]),
             int(stats_after["keyspace_misses"]) - int(stats_before["keyspace_misses"]))
    hits = delta(before.by_label("redislens_cache_hits_total", "command"),
                 after.by_label("redislens_cache_hits_total", "command"))
    misses = delta(before.by_label("redislens_cache_misses_total", "command"),
                   after.by_label("redislens_cache_misses_total", "command"))
    return redis, ListWithDetail((sum(hits.values()), sum(misses.values())), {"hits": hits, "misses": misses})


class ListWithDetail(tuple):
    """(hits, misses) that also shows the per-command deltas in assertion messages."""

    def __new__(cls, values, detail):
        self = super().__new__(cls, values)
        self.detail = detail
        return self

    def __repr__(self):
        return f"{tuple(self)!r} by command {self.detail}"


def test_get_mget_hits_and_misses_under_resp3(server, lens_factory):
    """RESP3 nulls (`_`) are misses too."""
    lens = lens_factory(server)
    direct = server.client()
    direct.mset({"r3:a": "1", "r3:b": "2"})
    client = counting_client(lens)
    assert client.command("HELLO", "3")[b"proto"] == 3

    def run():
        assert client.command("GET", "r3:a") == b"1"
        assert client.command("GET", "r3:none") is None
        assert client.command("MGET", "r3:a", "r3:x", "r3:b", "r3:y", "r3:z") == [b"1", None, b"2", None, None]

    redis, lens_counts = keyspace_phase(lens, direct, run)
    assert redis == (3, 4)
    assert lens_counts == redis, f"redis-lens (hits, misses) {lens_counts}, Redis {redis}"


@pytest.mark.dedicated_pool  # RESET is sent when a pooled connection is released
def test_proxy_login_and_reset_traffic_is_not_counted(redis_factory, lens_factory):
    """The pool's own AUTH/SELECT (logins, with --client-login-from-upstream) and RESET
    (reuse) never show as client commands."""
    server = redis_factory(password="lenspw")
    lens = lens_factory(server.url(password="lenspw", db=3), "--client-login-from-upstream")
    direct = server.client()
    for i in range(5):
        with RawClient(lens.port) as raw:
            assert raw.command("SET", f"lg:{i}", "v") == b"OK"
    client = counting_client(lens)
    assert client.command("GET", "lg:0") == b"v"
    assert direct.execute_command("SELECT", "3") and direct.get("lg:0") == b"v"  # it went to db 3
    wait_until(lambda: answered(commandstats(direct).get("reset")) >= 1, 10, "a RESET for a released connection")
    stats = commandstats(direct)
    assert answered(stats.get("auth")) > 0 and answered(stats.get("select")) > 0, stats.keys()
    counted = command_counts(scrape(lens))
    assert not {"auth", "select", "reset", "command", "hello", "client|setinfo"} & set(counted), counted
    assert counted.get("set") == 5 and counted.get("get") == 1, counted


@pytest.mark.dedicated_pool  # six clients hold six upstream connections
def test_pool_gauges_match_redis_connected_clients(server, lens_factory):
    lens = lens_factory(server)
    direct = server.client()
    direct.ping()
    clients = [counting_client(lens) for _ in range(6)]
    for client in clients:
        assert client.command("ECHO", "x") == b"x"

    def consistent():
        numbers = pool_numbers(scrape(lens))
        redis_clients = direct.info("clients")["connected_clients"]
        if numbers["used"] == 6 and numbers["clients_open"] == 6 and \
                redis_clients == numbers["idle"] + numbers["used"] + 2:  # + this client and the INFO poller
            return numbers
        return None

    numbers = wait_until(consistent, 15, "pool gauges equal to what Redis sees")
    assert numbers["idle"] >= 0 and numbers["pending"] == 0


def test_upstream_connect_error_reasons(redis_factory, lens_factory):
    """A wrong password (when the pool logs in: --client-login-from-upstream) is `auth`, an
    unresolvable host `dns`; neither leaks the password."""
    server = redis_factory(password="rightpw")
    wrong = lens_factory(server.url(password="wr0ngpw"), "--client-login-from-upstream", ready=False)
    dns = lens_factory("redis://nonexistent-host.invalid:6379", ready=False)
    for lens, reason in ((wrong, "auth"), (dns, "dns")):
        expo = wait_until(lambda: (e := scrape(lens)).get("redislens_upstream_connect_errors_total",
                                                          reason=reason, default=0) > 0 and e,
                          15, f"a connect error with reason {reason}")
        reasons = expo.by_label("redislens_upstream_connect_errors_total", "reason")
        assert all(v == 0 for k, v in reasons.items() if k != reason), reasons
        assert expo.get("redislens_upstream_up") == 0
        assert http_get(lens.admin_port, "/readyz")[0] == 503
    for where in (scrape(wrong).text, http_get(wrong.admin_port, "/readyz")[2], http_get(wrong.admin_port, "/stats")[2],
                  wrong.logs().decode(errors="replace")):
        assert "wr0ngpw" not in where
