"""Shared upstream connections (`--pool-mode shared`, issue 30): many clients funnelled into
a few upstream connections per data-path thread, each client still seeing exactly what Redis
would show it.

The tests whose assertions hold in any mode (the many-client differential, connection
identity, a slow reader) run in both modes; those about the shared connections themselves
(how many Redis sees, losing one, the pin metrics) run in shared mode only.
"""

import hashlib
import json
import random
import resource
import socket
import threading

import pytest

from conftest import (
    Background,
    RawClient,
    encode,
    http_get,
    mask_hello_id,
    parse_client_info,
    wait_until,
)
from metrics_support import check_histogram, commandstats, promtool_check, scrape

SHARED = ("--pool-mode", "shared")
DEDICATED = ("--pool-mode", "dedicated")
# Two data-path threads with two shared connections each: clients of both threads interleave
# on more than one shared connection.
SHARED_2X2 = (*SHARED, "--threads", "2", "--shared-connections", "2")
MODES = {
    "shared": SHARED_2X2,
    "dedicated": (*DEDICATED, "--threads", "2"),
}
# One thread, one shared connection: every unpinned client is on the same upstream connection.
ONE_SHARED = (*SHARED, "--threads", "1", "--shared-connections", "1")
ONE_BY_MODE = {
    "shared": ONE_SHARED,
    "dedicated": (*DEDICATED, "--threads", "1"),
}


def stats(lens):
    status, _, body = http_get(lens.admin_port, "/stats")
    assert status == 200, body[:300]
    return json.loads(body)


def pinned_now(numbers):
    """`/stats` pool.pinned as one number (a count, or a count per reason)."""
    pinned = numbers["pool"]["pinned"]
    return sum(pinned.values()) if isinstance(pinned, dict) else pinned


# --------------------------------------------------------------------------- interleavings
#
# Every client runs a script of its own, built from one seed, so the run against Redis
# directly and the run through the proxy send the same bytes. Keys and channels are named
# after the client, so what a client reads does not depend on how the clients interleave;
# where two clients meet (a WATCH broken by another client, a BLPOP woken by another, a
# PUBLISH to another's channel), events order them the same way in both runs.

CLIENTS = 200
USERS = {  # ACL users the clients log in as, created on both servers
    "reader": ("reader-pw", ["on", ">reader-pw", "~c*", "&*", "+@all", "-incr", "-del"]),
    "writer": ("writer-pw", ["on", ">writer-pw", "~*", "&*", "+@all"]),
}


class Send:
    """Writes `data` in one write and reads `frames` whole reply frames (0: nothing owed)."""

    def __init__(self, frames, *commands):
        self.data = b"".join(c if isinstance(c, bytes) else encode(*c) for c in commands)
        self.frames = frames


class Signal:
    """Sets the run's event `name` (another client waits for it)."""

    def __init__(self, name):
        self.name = name


class Wait:
    """Waits for the run's event `name`, set by another client or the BLPOP coordinator."""

    def __init__(self, name):
        self.name = name


def plain_commands(rng, i, count):
    """`count` commands that change no connection state, with one reply each."""
    key = f"c{i}:k{rng.randrange(3)}"
    choices = [
        ("SET", key, f"v{i}-" + "x" * rng.choice([1, 100, 3000])),
        ("GET", key),
        ("INCR", f"c{i}:n"),
        ("RPUSH", f"c{i}:l", "a", "b"),
        ("LRANGE", f"c{i}:l", 0, -1),
        ("HSET", f"c{i}:h", "f", f"{i}"),
        ("HGETALL", f"c{i}:h"),
        ("MGET", key, f"seed:{i}", f"c{i}:none"),
        ("EXISTS", key, f"seed:{i}"),
        ("DEL", f"c{i}:gone"),
        ("ECHO", f"hello {i}"),
        ("NOSUCHCOMMAND", key),
        ("SET", key),  # wrong arity
        ("RPUSH", f"c{i}:q", "x"),
        ("BLPOP", f"c{i}:q", 0),  # served at once: the list was just pushed to
        ("XADD", f"c{i}:x", "1-1", "f", "v"),  # an error once the entry exists
        ("XREAD", "STREAMS", f"c{i}:x", "0"),  # cannot block: stays shared
        ("XREAD", "COUNT", 1, "STREAMS", f"c{i}:x", "0"),  # pins, as BLOCK could follow
    ]
    out = []
    for _ in range(count):
        command = rng.choice(choices)
        if command[0] == "BLPOP":
            out += [("RPUSH", f"c{i}:q", "y"), command]
        else:
            out.append(command)
    return out


def sends(rng, commands):
    """The commands one by one or as one pipeline (each with one reply)."""
    if rng.random() < 0.5:
        return [Send(len(commands), *commands)]
    return [Send(1, command) for command in commands]


def segments(rng, i):
    """The client's own segments, in a random order; none waits for another client."""
    user = rng.choice(list(USERS))
    password = USERS[user][0]
    db = rng.randrange(1, 4)
    own = [
        sends(rng, plain_commands(rng, i, rng.randint(2, 8))),
        # A transaction, one with a queue-time error, one discarded.
        sends(rng, [("MULTI",), ("SET", f"c{i}:t", "1"), ("INCR", f"c{i}:t"), ("GET", f"c{i}:t"), ("EXEC",)]),
        sends(rng, [("MULTI",), ("INCR", f"c{i}:t"), ("NOSUCHCOMMAND",), ("EXEC",)]),
        sends(rng, [("MULTI",), ("INCR", f"c{i}:t"), ("DISCARD",), ("GET", f"c{i}:t")]),
        # WATCH of a key nobody else touches: EXEC runs.
        sends(rng, [("WATCH", f"c{i}:w0"), ("MULTI",), ("INCR", f"c{i}:w0"), ("EXEC",), ("UNWATCH",)]),
        # Another database, and back; SELECT 0 alone too.
        sends(rng, [("SELECT", db), ("SET", f"c{i}:db", db), ("GET", f"c{i}:db"), ("SELECT", 0),
                    ("GET", f"c{i}:db"), ("SELECT", 0)]),
        # Logged in as an ACL user (some commands refused), a wrong password, then RESET.
        sends(rng, [("AUTH", user, password), ("ACL", "WHOAMI"), ("GET", f"seed:{i}"), ("INCR", f"c{i}:n"),
                    ("GET", f"c{i}:k0"), ("AUTH", user, "wrong"), ("ACL", "WHOAMI"), ("RESET",),
                    ("ACL", "WHOAMI"), ("GET", f"seed:{i}")]),
        # Replies off, then on; one reply skipped.
        [Send(0, ("CLIENT", "REPLY", "OFF")), Send(0, ("SET", f"c{i}:r", "1"), ("INCR", f"c{i}:r")),
         Send(2, ("CLIENT", "REPLY", "ON"), ("GET", f"c{i}:r"))],
        [Send(0, ("CLIENT", "REPLY", "SKIP"), ("SET", f"c{i}:s", "skipped")), Send(1, ("GET", f"c{i}:s"))],
        # Subscribed (RESP2), commands allowed there, unsubscribed, then plain commands.
        [Send(2, ("SUBSCRIBE", f"c{i}:a", f"c{i}:b")), Send(1, ("PING",)), Send(1, ("PSUBSCRIBE", f"c{i}:p*")),
         Send(1, ("UNSUBSCRIBE", f"c{i}:a")), Send(2, ("UNSUBSCRIBE", f"c{i}:b"), ("PUNSUBSCRIBE",))]
        + sends(rng, plain_commands(rng, i, 2)),
        # RESP3: a map, a push subscription with a command inside it, back to RESP2 by RESET.
        [Send(1, ("HELLO", "3")), Send(1, ("HGETALL", f"c{i}:h")), Send(1, ("SUBSCRIBE", f"c{i}:r3")),
         Send(1, ("GET", f"c{i}:k1")), Send(1, ("UNSUBSCRIBE", f"c{i}:r3")), Send(1, ("RESET",)),
         Send(1, ("HGETALL", f"c{i}:h"))],
        # HELLO with AUTH in one step.
        sends(rng, [("HELLO", "2", "AUTH", "writer", "writer-pw"), ("ACL", "WHOAMI"), ("RESET",)]),
    ]
    rng.shuffle(own)
    return own


def pair_segment(i):
    """What client `i` does with its partner (clients 2p and 2p+1 form pair p)."""
    pair, first = i // 2, i % 2 == 0
    a = pair * 2  # the key and channel owner
    kind = pair % 3
    if kind == 0:  # A WATCHes, B changes the key, A's EXEC is nil
        if first:
            return [Send(1, ("WATCH", f"c{a}:w")), Signal(("watched", pair)), Wait(("touched", pair)),
                    Send(3, ("MULTI",), ("INCR", f"c{a}:w"), ("EXEC",)), Send(1, ("GET", f"c{a}:w"))]
        return [Wait(("watched", pair)), Send(1, ("SET", f"c{a}:w", f"touched by c{i}")), Signal(("touched", pair))]
    if kind == 1:  # A blocks in BLPOP until B pushes (once every A is blocked)
        if first:
            return [Send(1, ("BLPOP", f"c{a}:bq", 0)), Send(1, ("LLEN", f"c{a}:bq"))]
        return [Wait("all blocked"), Send(1, ("RPUSH", f"c{a}:bq", f"from c{i}"))]
    # A subscribes, B publishes to it (one receiver), A unsubscribes and goes on
    if first:
        return [Send(1, ("SUBSCRIBE", f"c{a}:news")), Signal(("subscribed", pair)), Send(1),
                Send(1, ("UNSUBSCRIBE", f"c{a}:news")), Send(1, ("GET", f"c{a}:k0"))]
    return [Wait(("subscribed", pair)), Send(1, ("PUBLISH", f"c{a}:news", f"hello from c{i}"))]


BLOCKERS = sum(1 for i in range(0, CLIENTS, 2) if (i // 2) % 3 == 1)


def script(seed, i):
    """Client `i`'s steps: its own segments with the pair segment between two of them, then QUIT."""
    rng = random.Random(seed * 1000 + i)
    own = segments(rng, i)
    own.insert(rng.randint(0, len(own)), pair_segment(i))
    return [step for segment in own for step in segment] + [Send(1, ("QUIT",))]


def seed_server(server):
    direct = server.client()
    for user, (_, rules) in USERS.items():
        direct.execute_command("ACL", "SETUSER", user, *rules)
    pipe = direct.pipeline(transaction=False)
    for i in range(CLIENTS):
        pipe.set(f"seed:{i}", f"seed value {i}")
        pipe.hset(f"c{i}:h", "seeded", "yes")
    pipe.execute()


def run_clients(port, server, seed):
    """Runs every client's script at once against `port`; {client: every reply byte it read
    until the server closed its connection}."""
    events = {}
    lock = threading.Lock()

    def event(name):
        with lock:
            return events.setdefault(name, threading.Event())

    start = threading.Barrier(CLIENTS, timeout=60)

    def client(i):
        received = []
        with RawClient(port, timeout=60) as raw:
            start.wait()
            for step in script(seed, i):
                if isinstance(step, Signal):
                    event(step.name).set()
                elif isinstance(step, Wait):
                    assert event(step.name).wait(60), f"client {i}: no {step.name} within 60 s"
                else:
                    if step.data:
                        raw.send(step.data)
                    if step.frames:
                        received.append(raw.read_frames(step.frames))
            received.append(raw.read_until_eof())  # nothing more: Redis closes after QUIT's +OK
        return mask_hello_id(b"".join(received))

    def all_blocked():
        direct = server.client()
        wait_until(lambda: direct.info("clients")["blocked_clients"] >= BLOCKERS, 60,
                   f"{BLOCKERS} clients blocked in BLPOP")
        event("all blocked").set()

    coordinator = Background(all_blocked)
    jobs = [Background(lambda i=i: client(i)) for i in range(CLIENTS)]
    results = {i: job.join(timeout=120) for i, job in enumerate(jobs)}
    coordinator.join(timeout=5)
    return results


@pytest.mark.parametrize("mode", MODES)
def test_200_interleaved_clients_see_what_redis_shows_each(redis_factory, lens_factory, mode):
    seed = 20261206
    direct, behind = redis_factory(), redis_factory()
    seed_server(direct)
    seed_server(behind)
    expected = run_clients(direct.port, direct, seed)
    proxy = lens_factory(behind, *MODES[mode])
    got = run_clients(proxy.port, behind, seed)

    mismatches = [i for i in range(CLIENTS) if got[i] != expected[i]]
    if mismatches:
        i = mismatches[0]
        sent = b"".join(step.data for step in script(seed, i) if isinstance(step, Send))
        first = next(n for n, (x, y) in enumerate(zip(expected[i] + b"\0", got[i] + b"\1")) if x != y)
        raise AssertionError(
            f"{len(mismatches)} of {CLIENTS} clients differ, first client {i}; sent {sent[:400]!r}...\n"
            f"  replies differ from byte {first}: Redis {expected[i][max(0, first - 80):first + 200]!r}\n"
            f"  proxy {got[i][max(0, first - 80):first + 200]!r}")
    # The WATCH conflicts really happened: every watching client's EXEC was nil.
    watchers = [i for i in range(0, CLIENTS, 2) if (i // 2) % 3 == 0]
    assert all(b"+QUEUED\r\n*-1\r\n" in expected[i] for i in watchers)
    # Both servers hold the same data.
    for db in range(4):
        a, b = direct.client(db=db), behind.client(db=db)
        assert sorted(a.keys("*")) == sorted(b.keys("*")), f"db {db}"
    if mode == "shared":
        # The clients went through the pinning paths, and every pin ended with its client.
        expo = wait_until(lambda: (e := scrape(proxy)).sum("redislens_client_pinned") == 0 and e, 15,
                          "no client pinned once all have left")
        pins = expo.by_label("redislens_client_pins_total", "reason")
        needed = {"transaction", "watch", "subscribe", "blocking", "client_reply", "auth", "database"}
        assert all(pins.get(reason, 0) > 0 for reason in needed), pins


# --------------------------------------------------------------------------- connection count


@pytest.fixture
def many_files():
    """Raises this process's open-file limit (inherited by the redis-server and redis-lens it
    starts afterwards) so that 2,000 clients fit; restored afterwards."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = 8192 if hard == resource.RLIM_INFINITY else min(hard, 8192)
    assert want >= 4200, f"RLIMIT_NOFILE hard limit {hard} is too low for 2,000 clients"
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, want), hard))
    yield
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_2000_clients_share_a_few_upstream_connections(many_files, redis_factory, lens_factory):
    """With 2,000 clients connected, each having sent a command, Redis sees at most
    threads x shared connections + the pinned ones + the pool's idle ones + the proxy's
    INFO poller (its only control-plane connection once the command table is read) + this
    test's own connection."""
    threads, shared = 2, 2
    server = redis_factory()
    lens = lens_factory(server, *SHARED, "--threads", str(threads), "--shared-connections", str(shared))
    clients = []
    try:
        for i in range(2000):
            sock = socket.create_connection(("127.0.0.1", lens.port), timeout=30)
            clients.append(sock)
        for i, sock in enumerate(clients):
            sock.sendall(encode("SET", f"many:{i}", i))
        for i, sock in enumerate(clients):
            reply = b""
            while not reply.endswith(b"\r\n"):
                chunk = sock.recv(16)
                assert chunk, f"client {i} closed"
                reply += chunk
            assert reply == b"+OK\r\n", (i, reply)
        expo = wait_until(lambda: (e := scrape(lens)).get("redislens_client_connections") == 2000 and e, 15,
                          "2,000 clients counted")
        assert 1 <= expo.sum("redislens_upstream_shared_connections") <= threads * shared

        direct = server.client()  # the test's own connection
        before = stats(lens)
        connected = direct.info("clients")["connected_clients"]
        after = stats(lens)
        pinned = max(pinned_now(before), pinned_now(after))
        idle = max(before["proxy"]["pool_idle"], after["proxy"]["pool_idle"])
        control_plane = 1  # the INFO poller
        bound = threads * shared + pinned + idle + control_plane + 1
        assert connected <= bound, (f"Redis has {connected} clients; expected at most {threads}x{shared} shared + "
                                    f"{pinned} pinned + {idle} idle + the INFO poller + this test's")
        assert pinned == 0, before["pool"]
        assert before["pool"]["mode"] == "shared"
        assert direct.dbsize() == 2000
    finally:
        for sock in clients:
            sock.close()


# --------------------------------------------------------------------------- upstream loss


def test_losing_a_shared_connection_closes_its_clients_only(server, lens_factory):
    """Redis kills one thread's shared connection while its clients' commands wait in it:
    those clients see their connection close, the other thread's clients get their replies
    and go on, and a new client works.

    "The clients using it" are those with a command in it when it goes: a client with nothing
    owed holds nothing on a shared connection, so whether it is closed too is left open here.
    CLIENT PAUSE WRITE makes every client's SET wait inside Redis, so that set is known."""
    lens = lens_factory(server, *SHARED, "--threads", "2", "--shared-connections", "1")
    direct = server.client()
    clients = [lens.raw(timeout=30) for _ in range(20)]
    for i, raw in enumerate(clients):
        assert raw.command("SET", f"loss:{i}", "before") == b"OK"

    # Writes wait in Redis (CLIENT PAUSE WRITE) while reads such as CLIENT LIST go on: each
    # shared connection then holds SETs Redis has not run.
    assert direct.execute_command("CLIENT", "PAUSE", 20000, "WRITE")
    try:
        for i, raw in enumerate(clients):
            raw.send(encode("SET", f"loss:{i}", "after"))

        def postponed_sets():
            waiting = [c for c in direct.client_list() if c["cmd"] == "set" and "b" in c["flags"]]
            return waiting if len(waiting) == 2 else None

        waiting = wait_until(postponed_sets, 15, "a SET waiting in each thread's shared connection")
        victim = waiting[0]["id"]
        assert direct.execute_command("CLIENT", "KILL", "ID", victim) == 1
    finally:
        direct.execute_command("CLIENT", "UNPAUSE")

    closed, answered = [], []
    for i, raw in enumerate(clients):
        try:
            line = raw.read_line()
        except (ConnectionError, OSError):
            closed.append(i)
            continue
        assert line == b"+OK", (i, line)
        answered.append(i)
    assert closed, "no client saw its connection close"
    assert answered, "the other thread's clients were closed too"
    for i in closed:  # Redis never ran their SET, and the proxy did not send it again
        assert direct.get(f"loss:{i}") == b"before", i
    for i in answered:
        assert direct.get(f"loss:{i}") == b"after", i
        assert clients[i].command("GET", f"loss:{i}") == b"after", i
    with lens.raw() as fresh:
        assert fresh.command("SET", "loss:new", "1") == b"OK"
        assert fresh.command("GET", "loss:new") == b"1"


# --------------------------------------------------------------------------- pin metrics


def pin_numbers(lens, reason):
    """(clients pinned now, pins so far) for `reason`."""
    expo = scrape(lens)
    return expo.sum("redislens_client_pinned", reason=reason), expo.sum("redislens_client_pins_total", reason=reason)


def wait_pinned(lens, reason, value):
    return wait_until(lambda: (n := pin_numbers(lens, reason))[0] == value and n, 10,
                      f'redislens_client_pinned{{reason="{reason}"}} == {value}')


def batch_numbers(expo):
    """(count, sum) of the batch-size histogram over all its series."""
    return (expo.sum("redislens_upstream_batch_commands_count"), expo.sum("redislens_upstream_batch_commands_sum"))


def test_pin_metrics_follow_a_transaction_and_a_subscription(server, lens_factory):
    """redislens_client_pinned{reason} is 1 while a client is in MULTI or subscribed and 0
    after, each pin counted once in redislens_client_pins_total; the batch-size histogram
    counts pipelined commands; /stats names the mode; promtool accepts the exposition."""
    lens = lens_factory(server, *ONE_SHARED)
    holder, other = lens.raw(), lens.raw()
    assert other.command("PING") == b"PONG"
    wait_until(lambda: scrape(lens).sum("redislens_upstream_shared_connections") == 1, 10, "one shared connection")
    _, transactions_before = pin_numbers(lens, "transaction")
    _, subscriptions_before = pin_numbers(lens, "subscribe")

    assert holder.command("MULTI") == b"OK"
    wait_pinned(lens, "transaction", 1)
    assert pinned_now(stats(lens)) == 1
    assert holder.command("SET", "pin:k", "v") == b"QUEUED"
    assert other.command("GET", "pin:k") is None  # served meanwhile, outside the transaction
    assert holder.command("EXEC") == [b"OK"]
    pinned, total = wait_pinned(lens, "transaction", 0)
    assert total == transactions_before + 1
    assert pinned_now(stats(lens)) == 0

    holder.send(encode("SUBSCRIBE", "pin:ch"))
    assert holder.read_reply() == [b"subscribe", b"pin:ch", 1]
    wait_pinned(lens, "subscribe", 1)
    assert other.command("PUBLISH", "pin:ch", "hi") == 1
    assert holder.read_reply() == [b"message", b"pin:ch", b"hi"]
    assert holder.command("UNSUBSCRIBE", "pin:ch") == [b"unsubscribe", b"pin:ch", 0]
    pinned, total = wait_pinned(lens, "subscribe", 0)
    assert total == subscriptions_before + 1
    assert holder.command("GET", "pin:k") == b"v"

    # XREAD STREAMS cannot block and stays shared (counted at once if it pinned, before its
    # reply); with COUNT first a BLOCK could follow, so that one pins, for its reply.
    _, blocking_before = pin_numbers(lens, "blocking")
    assert holder.command("XREAD", "STREAMS", "pin:x", "0") is None
    assert pin_numbers(lens, "blocking")[1] == blocking_before
    assert holder.command("XREAD", "COUNT", "1", "STREAMS", "pin:x", "0") is None
    wait_until(lambda: pin_numbers(lens, "blocking") == (0, blocking_before + 1), 10, "one blocking pin, ended")

    # Batches: pipelines from several clients grow the histogram by at least their commands.
    count_before, sum_before = batch_numbers(scrape(lens))
    pipelines = [lens.raw() for _ in range(4)]
    for raw in pipelines:
        raw.send(b"".join(encode("INCR", "pin:n") for _ in range(50)))
    for raw in pipelines:
        raw.read_frames(50)
    expo = wait_until(lambda: (e := scrape(lens)) and batch_numbers(e)[1] >= sum_before + 200 and e, 10,
                      "200 commands counted in batches")
    assert batch_numbers(expo)[0] > count_before
    for labels, _ in expo.series("redislens_upstream_batch_commands_count"):
        check_histogram(expo, "redislens_upstream_batch_commands", labels)
    assert expo.types.get("redislens_upstream_batch_commands") == "histogram"
    assert expo.types.get("redislens_client_pinned") == "gauge"
    assert expo.types.get("redislens_client_pins_total") == "counter"
    assert expo.types.get("redislens_upstream_shared_connections") == "gauge"
    pool = stats(lens)["pool"]
    assert pool["mode"] == "shared" and pool["shared_connections"] == 1, pool
    code, lines = promtool_check(expo.text)
    assert code == 0, lines


# --------------------------------------------------------------------------- identity


@pytest.mark.parametrize("mode", ONE_BY_MODE)
def test_client_id_name_and_info_stay_the_clients_own(server, lens_factory, mode):
    """CLIENT ID stays the same across calls, GETNAME and CLIENT INFO/LIST show the name the
    client set and nobody else sees it, with other clients' traffic in between. (Not checked:
    CLIENT ID across a RESET, after which a shared-mode client may be pinned to another
    upstream connection.)"""
    lens = lens_factory(server, *ONE_BY_MODE[mode])
    me, other, third = lens.raw(), lens.raw(), lens.raw()
    assert other.command("SET", "id:k", "v") == b"OK"

    my_id = me.command("CLIENT", "ID")
    assert isinstance(my_id, int)
    assert other.command("GET", "id:k") == b"v"
    assert me.command("GET", "id:k") == b"v"
    assert me.command("CLIENT", "ID") == my_id
    assert third.command("CLIENT", "ID") not in (my_id, None)

    assert me.command("CLIENT", "SETNAME", "alpha") == b"OK"
    assert third.command("PING") == b"PONG"
    assert me.command("GET", "id:k") == b"v"
    assert me.command("CLIENT", "GETNAME") == b"alpha"
    info = parse_client_info(me.command("CLIENT", "INFO"))
    assert (info["name"], int(info["id"])) == ("alpha", my_id), info
    listed = parse_client_info(me.command("CLIENT", "LIST", "ID", my_id))
    assert (listed["name"], int(listed["id"])) == ("alpha", my_id), listed
    assert me.command("CLIENT", "ID") == my_id
    # The name stayed with this client: nobody else sees it.
    assert other.command("CLIENT", "GETNAME") is None
    assert parse_client_info(other.command("CLIENT", "INFO"))["name"] == ""
    with lens.raw() as fresh:
        assert fresh.command("CLIENT", "GETNAME") is None


# --------------------------------------------------------------------------- a slow reader


@pytest.mark.parametrize("mode", ONE_BY_MODE)
def test_a_client_that_stops_reading_does_not_stall_the_others(server, lens_factory, mode):
    """A 32 MiB reply to a client that reads nothing (far more than the socket buffers hold):
    the clients on the same shared connection go on, and the slow one later gets every byte."""
    size = 32 << 20
    value = hashlib.sha256(b"slow").digest() * (size // 32)
    direct = server.client()
    direct.set("slow:big", value)
    lens = lens_factory(server, *ONE_BY_MODE[mode])
    others = [lens.raw(timeout=10) for _ in range(4)]
    for raw in others:
        assert raw.command("PING") == b"PONG"

    slow = lens.raw(timeout=30, rcvbuf=4096)
    slow.send(encode("GET", "slow:big"))
    wait_until(lambda: commandstats(direct).get("get", {}).get("calls", 0) >= 1, 10, "Redis to run the GET")

    # The others go on, many times over, while the slow client reads nothing.
    for n in range(50):
        for i, raw in enumerate(others):
            assert raw.command("SET", f"slow:{i}", n) == b"OK"
            assert raw.command("GET", f"slow:{i}") == str(n).encode()
    assert direct.get("slow:0") == b"49"

    assert slow.read_line() == b"$%d" % size
    body = slow.read_exact(size + 2)
    assert body[-2:] == b"\r\n"
    assert hashlib.sha256(body[:-2]).digest() == hashlib.sha256(value).digest()
    assert slow.command("PING") == b"PONG"

