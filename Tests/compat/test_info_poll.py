"""Server memory and health from INFO, polled through hiredis (redis_exporter's names)."""

import json
import time

from conftest import RawClient, wait_until
from metrics_support import promtool_check, scrape

MiB = 1024 * 1024
INTERVAL = 0.5


def polls(lens):
    return scrape(lens).get("redislens_info_poll_duration_seconds_count", 0)


def wait_polls(lens, count=2):
    """Waits until `count` more polls finished, so the next scrape holds data newer than now."""
    start = polls(lens)
    wait_until(lambda: polls(lens) >= start + count, 20, f"{count} more INFO polls")


def test_memory_grows_with_data_written_through_the_proxy(server, lens_factory):
    lens = lens_factory(server, "--info-interval", str(INTERVAL))
    wait_polls(lens, 1)
    before = scrape(lens).get("redis_memory_used_bytes")
    assert before is not None and before > 0
    client = lens.client()
    value = b"v" * MiB
    for i in range(20):
        assert client.set(f"mem:{i}", value) is True
    wait_polls(lens)
    expo = scrape(lens)
    direct = server.client().info("memory")
    used = expo.get("redis_memory_used_bytes")
    assert used >= before + 20 * MiB, (before, used)
    # No writes since: the poll and a direct INFO agree up to client buffers.
    assert abs(used - direct["used_memory"]) < MiB, (used, direct["used_memory"])
    assert expo.get("redis_up") == 1
    assert expo.get("redis_memory_used_rss_bytes") >= used * 0.5
    assert expo.get("redis_memory_used_peak_bytes") >= used
    assert expo.get("redis_memory_max_bytes") == direct["maxmemory"]
    assert expo.get("redis_maxmemory_policy", policy=direct["maxmemory_policy"]) == 1
    assert expo.get("redis_db_keys", db="db0") == 20
    assert expo.get("redis_mem_fragmentation_ratio") > 0
    code, lines = promtool_check(expo.text)
    assert code == 0 and not lines, lines
    memory = json.loads(lens.http("/stats")[1])["memory"]
    assert memory["up"] == 1 and memory["used_memory"] >= before + 20 * MiB
    assert 0 <= memory["age_seconds"] < 10


def test_counters_follow_the_server(server, lens_factory):
    lens = lens_factory(server, "--info-interval", str(INTERVAL))
    client = lens.client()
    client.set("hit", "1")
    for _ in range(3):
        client.get("hit")
    for _ in range(4):
        client.get("miss")
    client.set("gone", "1", px=1)
    wait_until(lambda: server.client().info("stats")["expired_keys"] >= 1 or client.get("gone") is None, 10,
               "the key to expire")
    wait_polls(lens)
    expo = scrape(lens)
    stats = server.client().info("stats")
    assert expo.get("redis_keyspace_hits_total") == stats["keyspace_hits"]
    assert expo.get("redis_keyspace_misses_total") == stats["keyspace_misses"]
    assert expo.get("redis_expired_keys_total") == stats["expired_keys"] >= 1
    assert expo.get("redis_evicted_keys_total") == 0
    assert expo.get("redis_connected_clients") >= 2  # the proxy's client connection and the poller
    assert expo.get("redis_uptime_in_seconds") >= 0


def test_password_protected_upstream_is_polled_with_its_credentials(redis_factory, lens_factory):
    server = redis_factory(password="s3cret-pw")
    lens = lens_factory(server, "--info-interval", str(INTERVAL))
    wait_polls(lens)
    expo = scrape(lens)
    assert expo.get("redis_up") == 1
    assert expo.sum("redislens_info_poll_errors_total") == 0
    assert "s3cret-pw" not in lens.http("/metrics")[1] and b"s3cret-pw" not in lens.logs()


def test_acl_user_is_polled_as_that_user(server, lens_factory):
    direct = server.client()
    assert direct.execute_command("ACL", "SETUSER", "poller", "on", ">pw-42", "~*", "+@all") == b"OK"
    lens = lens_factory(server.url(user="poller", password="pw-42", db=2), "--info-interval", str(INTERVAL))
    wait_polls(lens)
    assert scrape(lens).get("redis_up") == 1
    users = {entry["user"] for entry in direct.client_list() if entry["cmd"] == "info"}
    assert users == {"poller"}, direct.client_list()


def test_wrong_password_is_an_auth_error_and_redis_down(redis_factory, lens_factory):
    server = redis_factory(password="right-pw")
    lens = lens_factory(server.url(password="wrong-pw"), "--info-interval", str(INTERVAL), ready=False)
    wait_until(lambda: scrape(lens).get("redislens_info_poll_errors_total", 0, reason="auth") >= 2, 20,
               "two failed polls with reason auth")
    expo = scrape(lens)
    assert expo.get("redis_up") == 0
    assert expo.get("redis_memory_used_bytes") is None
    assert lens.http("/readyz")[0] == 503
    assert b"wrong-pw" not in lens.logs() and "wrong-pw" not in lens.http("/metrics")[1]


def test_info_denied_by_acl_is_counted_but_keeps_the_proxy_ready(server, lens_factory):
    assert server.client().execute_command("ACL", "SETUSER", "app", "on", ">pw", "~*", "+@all", "-info") == b"OK"
    lens = lens_factory(server.url(user="app", password="pw"), "--info-interval", str(INTERVAL))
    wait_until(lambda: scrape(lens).get("redislens_info_poll_errors_total", 0, reason="error_reply") >= 2, 20,
               "two INFO polls refused with NOPERM")
    assert scrape(lens).get("redis_up") == 0
    assert lens.http("/readyz")[0] == 200
    assert lens.client().ping() is True


def test_upstream_down_then_back(server, lens_factory):
    # A client waits 0.5 s for Redis (not the default 5) before it is closed.
    lens = lens_factory(server, "--info-interval", str(INTERVAL), "--pool-wait-timeout", "0.5")
    wait_polls(lens, 1)
    assert scrape(lens).get("redis_up") == 1
    server.kill()
    killed = time.monotonic()
    wait_until(lambda: scrape(lens).get("redis_up") == 0, 10, "redis_up 0")
    noticed = time.monotonic() - killed
    # The next poll after the kill notices it; two intervals plus a scrape's slack.
    assert noticed < 2 * INTERVAL + 1.0, noticed
    expo = scrape(lens)
    assert expo.get("redis_memory_used_bytes") is None and expo.get("redis_db_keys", db="db0") is None
    assert expo.get("redislens_info_last_success_timestamp_seconds") <= time.time()
    # Meanwhile the proxy answers health and readiness at once, and closes clients as a
    # refused connect would (no reply of its own).
    assert lens.http("/healthz")[0] == 200 and lens.http("/readyz")[0] == 503
    with RawClient(lens.port, timeout=10) as raw:
        raw.send(b"PING\r\n")
        assert raw.read_until_eof() == b""
    server.start()  # same port
    wait_until(lambda: scrape(lens).get("redis_up") == 1, 20, "redis_up 1 after the restart")
    assert scrape(lens).get("redis_memory_used_bytes") > 0
    wait_until(lambda: lens.http("/readyz")[0] == 200, 20, "/readyz 200 again")
    assert lens.running


def test_interval_zero_turns_polling_off(server, lens_factory):
    lens = lens_factory(server, "--info-interval", "0")
    expo = scrape(lens)
    assert expo.get("redis_up") is None
    assert not [name for name, _, _ in expo.samples if name.startswith("redis_")]
    assert not [entry for entry in server.client().client_list() if entry["cmd"] == "info"]


def test_default_interval_polls_at_start(server, lens_factory):
    lens = lens_factory(server)
    wait_until(lambda: scrape(lens).get("redis_up") == 1, 10, "the first poll, right at start")
