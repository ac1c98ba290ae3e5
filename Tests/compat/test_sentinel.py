"""A Sentinel-managed primary (redis+sentinel://): discovery and failovers followed.

One primary, one replica and three redis-sentinel processes on loopback; redis-py clients
with retries write through the proxy while the primary fails over (SENTINEL FAILOVER, and
kill -9). Each write is `INCR`, `SET` and `WAIT 1`: a write counts as acknowledged only when
the replica had it, so the check that nothing acknowledged is lost is honest under async
replication.
"""

import json
import os
import subprocess
import threading
import time

import pytest
import redis
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError, ReadOnlyError, ResponseError, TimeoutError
from redis.retry import Retry

from conftest import LOOPBACK, free_port, http_get, wait_until
from metrics_support import promtool_check, scrape

MASTER = "mymaster"
# A primary starts a replica's full sync at once (Redis 7 waits 5 s for more replicas by default).
FAST_SYNC = ("--repl-diskless-sync-delay", "0")
# Each sentinel's timers, tuned with SENTINEL DEBUG (milliseconds): it announces itself on
# the servers' hello channel every 100 ms (default 2000), so the sentinels find each other
# within a fraction of a second, and asks each server for INFO every second (default 10 s),
# so a demoted primary is made a replica of the new one (and WAIT 1 is met) a second after
# a failover rather than up to ten.
SENTINEL_TIMERS = ("PUBLISH-PERIOD", 100, "INFO-PERIOD", 1000)


class Sentinel:
    """One redis-sentinel process, its config file written in its own directory."""

    def __init__(self, workdir, primary_port, password=None, primary_password=None):
        self.workdir = str(workdir)
        self.primary_port = primary_port
        self.password = password
        self.primary_password = primary_password
        self.port = None
        self.proc = None

    def start(self):
        for _ in range(5):
            self.port = free_port()
            config = os.path.join(self.workdir, f"sentinel-{self.port}.conf")
            log = os.path.join(self.workdir, f"sentinel-{self.port}.log")
            with open(config, "w") as out:
                out.write(f"port {self.port}\nbind {LOOPBACK}\nprotected-mode no\ndir {self.workdir}\n"
                          f"logfile {log}\n"
                          f"sentinel monitor {MASTER} {LOOPBACK} {self.primary_port} 2\n"
                          f"sentinel down-after-milliseconds {MASTER} 1000\n"
                          f"sentinel failover-timeout {MASTER} 5000\n"
                          f"sentinel parallel-syncs {MASTER} 1\n")
                if self.password:
                    out.write(f"requirepass {self.password}\n")
                if self.primary_password:
                    out.write(f"sentinel auth-pass {MASTER} {self.primary_password}\n")
            self.proc = subprocess.Popen(["redis-sentinel", config], stdin=subprocess.DEVNULL,
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if wait_until(self._answers, 20, f"redis-sentinel on port {self.port}") == "ok":
                self.client().execute_command("SENTINEL", "DEBUG", *SENTINEL_TIMERS)
                return self
        raise AssertionError("redis-sentinel did not start")

    def _answers(self):
        if self.proc.poll() is not None:
            return "exited"
        return "ok" if self.client().ping() else None

    def client(self):
        return redis.Redis(host=LOOPBACK, port=self.port, socket_timeout=5, decode_responses=True,
                           password=self.password)

    def master(self):
        reply = self.client().execute_command("SENTINEL", "MASTER", MASTER)
        return dict(zip(reply[::2], reply[1::2])) if isinstance(reply, list) else reply

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


@pytest.fixture
def sentinel_group(redis_factory, tmp_path_factory):
    """(primary, replica, [3 sentinels]) ready for a failover: the replica in sync, every
    sentinel knowing the replica and the two other sentinels."""
    primary = redis_factory(*FAST_SYNC)
    replica = redis_factory("--replicaof", LOOPBACK, str(primary.port), *FAST_SYNC)
    wait_until(lambda: replica.client().info("replication").get("master_link_status") == "up", 20,
               "the replica in sync")
    sentinels = [Sentinel(tmp_path_factory.mktemp("sentinel"), primary.port).start() for _ in range(3)]

    def aware():
        for sentinel in sentinels:
            master = sentinel.master()
            if int(master["num-other-sentinels"]) != 2 or int(master["num-slaves"]) != 1:
                return False
        return True

    try:
        wait_until(aware, 30, "the sentinels to know the replica and each other")
        yield primary, replica, sentinels
    finally:
        for sentinel in sentinels:
            sentinel.stop()


def sentinel_url(sentinels):
    return "redis+sentinel://" + ",".join(f"{LOOPBACK}:{s.port}" for s in sentinels) + f"/{MASTER}"


def stats(lens):
    status, _, body = http_get(lens.admin_port, "/stats")
    assert status == 200, body
    return json.loads(body)


class Writer:
    """Writes through the proxy in a thread: `INCR counter`, `SET k:<n> <n>`, `WAIT 1 <ms>`
    per round. Remembers which keys the replica acknowledged, and each round's outcome."""

    def __init__(self, port, wait_ms):
        self.client = redis.Redis(
            host=LOOPBACK, port=port, socket_timeout=5, socket_connect_timeout=5,
            retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), 50),
            retry_on_error=[ConnectionError, TimeoutError, ReadOnlyError])
        self.wait_ms = wait_ms
        self.acknowledged = []  # keys the replica had
        self.succeeded = []  # (time, key) of every round that got its replies
        self.failed = []  # (time, error) of every round that raised
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        n = 0
        while not self.stopping.is_set():
            n += 1
            key = f"k:{n}"
            try:
                pipe = self.client.pipeline(transaction=False)
                pipe.incr("counter")
                pipe.set(key, n)
                pipe.execute_command("WAIT", 1, self.wait_ms)
                _, _, replicas = pipe.execute()
            except (ConnectionError, TimeoutError, ReadOnlyError, ResponseError) as error:
                self.failed.append((time.monotonic(), error))
                continue
            self.succeeded.append((time.monotonic(), key))
            if replicas >= 1:
                self.acknowledged.append(key)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.stopping.set()
        self.thread.join(timeout=30)
        assert not self.thread.is_alive()
        self.client.close()

    def successes_since(self, moment):
        return sum(1 for when, _ in self.succeeded if when >= moment)


def checker(server):
    """A direct client of `server` for the checks, named so they can leave it out. It
    reconnects: the sentinels kill normal clients when they reconfigure a server."""
    return redis.Redis(host=LOOPBACK, port=server.port, decode_responses=True, client_name="sentinel-test-check",
                       socket_timeout=5, retry=Retry(ExponentialBackoff(cap=0.2, base=0.02), 5),
                       retry_on_error=[ConnectionError, TimeoutError])


def proxy_clients(direct):
    """The clients of the server that are neither sentinels, nor a replication link, nor
    the test's own connections."""
    return [c for c in direct.client_list()
            if not c.get("name", "").startswith("sentinel-") and "M" not in c["flags"] and "S" not in c["flags"]]


def client_commands(direct, command):
    """Calls of `command` on the server, rejected and failed ones included."""
    entry = direct.info("commandstats").get(f"cmdstat_{command}", {})
    return entry.get("calls", 0) + entry.get("rejected_calls", 0) + entry.get("failed_calls", 0)


def failed_over(lens, new_address):
    report = stats(lens).get("sentinel") or {}
    return report.get("failovers") == 1 and report.get("primary") == new_address


def check_metrics(lens, sentinels, new_address):
    # Every sentinel is asked or probed within a few rounds (one a second).
    everyone = {f"{LOOPBACK}:{s.port}": 1 for s in sentinels}
    expo = wait_until(lambda: (e := scrape(lens)).by_label("redislens_sentinel_up", "address") == everyone and e,
                      10, "every sentinel up in /metrics")
    code, lines = promtool_check(expo.text)
    assert code == 0, lines
    assert expo.get("redislens_upstream_failovers_total") == 1
    assert expo.series("redislens_upstream_info") == [({"address": new_address, "role": "master"}, 1)]


def check_no_loss(writer, new_primary):
    direct = new_primary.client(decode_responses=True)
    assert len(writer.acknowledged) > 0
    missing = [key for key in writer.acknowledged if direct.get(key) is None]
    assert missing == [], f"{len(missing)} acknowledged keys lost, e.g. {missing[:5]}"
    assert int(direct.get("counter")) >= len(writer.acknowledged)


def test_discovery_and_sentinel_failover(sentinel_group, lens_factory):
    primary, replica, sentinels = sentinel_group
    lens = lens_factory(sentinel_url(sentinels), "--info-interval", "1")
    assert stats(lens)["sentinel"]["primary"] == f"{LOOPBACK}:{primary.port}"
    old = checker(primary)
    writer = Writer(lens.port, wait_ms=1000).start()
    try:
        wait_until(lambda: len(writer.acknowledged) >= 20, 20, "writes through the proxy")
        assert writer.failed == []
        sentinels[1].client().execute_command("SENTINEL", "FAILOVER", MASTER)
        new_address = f"{LOOPBACK}:{replica.port}"
        wait_until(lambda: failed_over(lens, new_address), 20, "the proxy to follow the failover")
        # Once the proxy knows, its connections to the old primary close at once ...
        wait_until(lambda: proxy_clients(old) == [], 5, "no proxy connection to the old primary")
        waits_before = client_commands(old, "wait")
        settled = time.monotonic()
        # ... and every later write goes to the new primary and succeeds.
        wait_until(lambda: writer.successes_since(settled) >= 50, 20, "writes after the failover")
        assert client_commands(old, "wait") == waits_before, "a client's WAIT reached the old primary"
        assert proxy_clients(old) == []
    finally:
        writer.stop()
        old.close()
    assert [error for when, error in writer.failed if when >= settled] == []
    assert replica.client().execute_command("ROLE")[0] == b"master"
    check_no_loss(writer, replica)
    check_metrics(lens, sentinels, new_address)
    assert b"upstream failed over to a new primary" in lens.stdout() + lens.stderr()


def test_failover_after_kill_9_of_the_primary(sentinel_group, lens_factory):
    primary, replica, sentinels = sentinel_group
    lens = lens_factory(sentinel_url(sentinels), "--pool-wait-timeout", "10")
    # No replica is left after the failover, so WAIT times out there: keep it short.
    writer = Writer(lens.port, wait_ms=200).start()
    try:
        wait_until(lambda: len(writer.acknowledged) >= 20, 20, "writes through the proxy")
        primary.kill()
        new_address = f"{LOOPBACK}:{replica.port}"
        wait_until(lambda: failed_over(lens, new_address), 30, "the proxy to follow the failover")
        settled = time.monotonic()
        wait_until(lambda: writer.successes_since(settled) >= 5, 20, "writes after the failover")
    finally:
        writer.stop()
    assert [error for when, error in writer.failed if when >= settled] == []
    check_no_loss(writer, replica)
    check_metrics(lens, sentinels, new_address)


def test_logins_on_the_sentinels_and_the_primary_never_show(redis_factory, lens_factory, tmp_path):
    primary = redis_factory(password="primary-secret")
    sentinel = Sentinel(tmp_path, primary.port, password="sentinel-secret", primary_password="primary-secret").start()
    try:
        url = f"redis+sentinel://:primary-secret@{LOOPBACK}:{sentinel.port}/{MASTER}"
        # The URL's password is the primary's (here also every client's login); the
        # sentinels' comes from the environment.
        lens = lens_factory(url, "--client-login-from-upstream",
                            env={"REDIS_LENS_SENTINEL_PASSWORD": "sentinel-secret"})
        assert lens.client().set("through", "1")
        assert primary.client().get("through") == b"1"
        report = stats(lens)["sentinel"]
        assert report["primary"] == f"{LOOPBACK}:{primary.port}" and report["failovers"] == 0
        expo = scrape(lens)
        assert expo.by_label("redislens_sentinel_up", "address") == {f"{LOOPBACK}:{sentinel.port}": 1}
        assert expo.get("redislens_upstream_failovers_total") == 0
        # A wrong sentinel password: no primary is found, and clients are closed as when
        # Redis cannot be reached.
        wrong = lens_factory(url, "--pool-wait-timeout", "0.5", ready=False,
                             env={"REDIS_LENS_SENTINEL_PASSWORD": "not-it"})
        with pytest.raises(redis.exceptions.ConnectionError):
            redis.Redis(host=LOOPBACK, port=wrong.port, socket_timeout=5).ping()
        assert (stats(wrong)["sentinel"] or {}).get("primary") is None
        wait_until(lambda: b"sentinel not usable" in wrong.stdout() + wrong.stderr(), 10, "the refusal logged")
        for proxy in (lens, wrong):
            everything = proxy.stdout() + proxy.stderr() + scrape(proxy).text.encode() + \
                http_get(proxy.admin_port, "/stats")[2].encode()
            assert b"secret" not in everything and b"not-it" not in everything
    finally:
        sentinel.stop()
