"""The admin endpoints: /metrics (Prometheus text 0.0.4 and OpenMetrics 1.0), /stats,
/slowlog, /healthz, /readyz; promtool accepts real scrapes; secrets never show."""

import json
import time

from conftest import ErrorReply, LensProcess, encode, http_get, wait_until
from metrics_support import (
    OPENMETRICS_ACCEPT,
    Exposition,
    counting_client,
    promtool_check,
    scrape,
)

TEXT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
OPENMETRICS_TYPE = "application/openmetrics-text; version=1.0.0; charset=utf-8"
SECRET = "s3cretpw"

# A Lua busy loop of about `ms` milliseconds (TIME is allowed in Redis 7 scripts).
BUSY_SCRIPT = """
local s = redis.call('TIME')
local start = tonumber(s[1]) * 1000000 + tonumber(s[2])
while true do
  local n = redis.call('TIME')
  if tonumber(n[1]) * 1000000 + tonumber(n[2]) - start >= tonumber(ARGV[1]) * 1000 then break end
end
return 1
"""

WEIRD_PREFIX = 'we"ird\\back\nnl'


def mixed_traffic(client, direct):
    """Commands, hits, misses, errors, an unknown command, key prefixes, one slow EVAL."""
    client.command("SET", "user:1", "a")
    client.command("SET", "session:abc", "b")
    client.command("GET", "user:1")
    client.command("GET", "user:2")
    client.command("MGET", "user:1", "session:abc", "nope")
    client.command("HSET", "cart:1", "item", "3")
    client.command("HGET", "cart:1", "item")
    client.command("LPUSH", "queue:jobs", "j1")
    client.command("SET", "noprefix", "x")
    client.command("SET", WEIRD_PREFIX + ":1", "x")
    assert client.command("GET", "queue:jobs").startswith("WRONGTYPE")
    assert "unknown command" in client.command("NOSUCHCOMMAND", "x")
    assert "wrong number" in client.command("GET")
    assert client.command("CONFIG", "GET", "maxmemory") == [b"maxmemory", b"0"]
    assert client.command("EVAL", BUSY_SCRIPT, "0", "20") == 1
    client.pipeline([("INCR", "counter:hits")] * 200)


# --------------------------------------------------------------------------- formats


def test_content_types_and_routes(proxy):
    port = proxy.admin_port
    status, headers, body = http_get(port, "/metrics")
    assert status == 200 and headers["content-type"] == TEXT_TYPE, headers
    assert "# TYPE redislens_commands_total counter" in body and not body.rstrip().endswith("# EOF")
    assert int(headers["content-length"]) == len(body.encode())

    status, headers, body = http_get(port, "/metrics", accept=OPENMETRICS_ACCEPT)
    assert status == 200 and headers["content-type"] == OPENMETRICS_TYPE, headers
    assert body.endswith("# EOF\n")
    status, headers, body = http_get(port, "/metrics", accept="application/openmetrics-text")
    assert status == 200 and headers["content-type"] == OPENMETRICS_TYPE and body.endswith("# EOF\n")

    for path in ("/stats", "/slowlog"):
        status, headers, body = http_get(port, path)
        assert status == 200 and headers["content-type"].startswith("application/json"), (path, headers)
        json.loads(body)
    assert http_get(port, "/healthz")[::2] == (200, "ok\n")
    assert http_get(port, "/readyz")[::2] == (200, "ready\n")
    assert http_get(port, "/metrics?name[]=x")[0] == 200  # query strings are ignored
    assert http_get(port, "/nothing-here")[0] == 404
    assert scrape(proxy).get("redislens_build_info", version="0.1.0") == 1


def test_promtool_accepts_the_text_scrape(server, lens_factory):
    lens = lens_factory(server, "--slow-threshold", "1ms", "--key-prefix-depth", "1")
    client = counting_client(lens)
    mixed_traffic(client, server.client())
    expo = wait_until(lambda: (e := scrape(lens)).series("redislens_slow_commands_total") and e, 10,
                      "a slow command counted")
    # The scrape has every kind of series the feature has.
    for family in ("redislens_command_errors_total", "redislens_cache_hits_total",
                   "redislens_key_prefix_commands_total", "redislens_slow_commands_total"):
        assert expo.series(family), f"no {family} series"
    # Prefix labels show bytes outside printable ASCII, and the backslash, as \xNN (so
    # distinct byte strings stay distinct); the quote is escaped by the exposition format.
    weird_label = WEIRD_PREFIX.replace("\\", "\\x5c").replace("\n", "\\x0a")
    assert expo.get("redislens_key_prefix_commands_total", prefix=weird_label) == 1, \
        f"the prefix label for {WEIRD_PREFIX!r} is not {weird_label!r}"
    assert expo.get("redislens_commands_total", command="other", category="other") == 1
    assert expo.get("redislens_slow_commands_total", command="eval", category="write") == 1

    code, lines = promtool_check(expo.text)
    assert code == 0 and not lines, f"promtool check metrics exit {code}: {lines}"
    assert len(expo.text) > 0


def openmetrics_scrape(server, lens_factory):
    lens = lens_factory(server, "--slow-threshold", "1ms", "--key-prefix-depth", "1")
    client = counting_client(lens)
    mixed_traffic(client, server.client())
    wait_until(lambda: scrape(lens).series("redislens_slow_commands_total"), 10, "a slow command counted")
    text = scrape(lens)
    status, headers, body = http_get(lens.admin_port, "/metrics", accept=OPENMETRICS_ACCEPT)
    assert status == 200 and headers["content-type"] == OPENMETRICS_TYPE
    return text, body


def test_openmetrics_family_names_are_unique(server, lens_factory):
    """In OpenMetrics a counter family is named without `_total`, so the counter
    `redislens_client_connections_total` becomes family `redislens_client_connections`,
    which must not be another family's name too (a parser rejects the second TYPE)."""
    _, body = openmetrics_scrape(server, lens_factory)
    declared = [line.split(" ")[2] for line in body.splitlines() if line.startswith("# TYPE ")]
    twice = sorted({family for family in declared if declared.count(family) > 1})
    assert not twice, (f"OpenMetrics families declared twice: {twice} "
                       f"(TYPE lines: {[l for l in body.splitlines() if l.startswith('# TYPE') and l.split(' ')[2] in twice]})")
    Exposition(body, openmetrics=True)  # strict parse


def test_openmetrics_variant_is_well_formed(server, lens_factory):
    """promtool 2.42's `check metrics` only reads the 0.0.4 text format (it reports
    `# EOF` bodies as untyped `_total` series without help), so the OpenMetrics body is
    checked structurally: strict parse, `# EOF` last, counter families named without
    `_total` and their samples with it, the same samples as the text format. (Families
    declared twice are the subject of test_openmetrics_family_names_are_unique and are
    left out of the per-sample checks here.)"""
    text, body = openmetrics_scrape(server, lens_factory)
    declared = [line.split(" ")[2] for line in body.splitlines() if line.startswith("# TYPE ")]
    twice = {family for family in declared if declared.count(family) > 1}
    om = Exposition(body, openmetrics=True, allow_redeclared=twice)
    assert body.endswith("\n# EOF\n") and body.count("# EOF") == 1
    for family, kind in om.types.items():
        assert family in om.helps, f"{family}: no HELP"
        if kind == "counter":
            assert not family.endswith("_total"), f"OpenMetrics counter family {family} ends in _total"
    for name, labels, _ in om.samples:
        family = om.family_of(name)
        assert family is not None, f"sample {name} belongs to no declared family"
        if family in twice or name in twice:
            continue
        kind = om.types[family]
        if kind == "counter":
            assert name == family + "_total", f"counter sample {name} of family {family}"
        elif kind == "unknown":
            assert name == family, f"unknown sample {name} of family {family}"
        elif kind == "histogram":
            assert name in (family + "_bucket", family + "_sum", family + "_count"), name
        else:
            assert name == family, f"{kind} sample {name} of family {family}"
    assert {(n, tuple(sorted(l.items()))) for n, l, _ in om.samples} == \
        {(n, tuple(sorted(l.items()))) for n, l, _ in text.samples}
    assert om.by_label("redislens_commands_total", "command") == text.by_label("redislens_commands_total", "command")
    # A counter whose OpenMetrics family name would repeat another family's (the
    # `redislens_client_connections` gauge) is declared `unknown` under its full name.
    assert om.types.get("redislens_client_connections_total") == "unknown"
    assert {f: t for f, t in text.types.items() if t != "counter"} == \
        {f: t for f, t in om.types.items() if t not in ("counter", "unknown") and f not in twice} | \
        {f: t for f, t in text.types.items() if t != "counter" and f in twice}


# --------------------------------------------------------------------------- /stats


def test_stats_agree_with_metrics(server, lens_factory):
    lens = lens_factory(server, "--slow-threshold", "5ms")
    client = counting_client(lens)
    mixed_traffic(client, server.client())
    # Nothing runs between the two reads.
    status, _, body = http_get(lens.admin_port, "/stats")
    expo = scrape(lens)
    assert status == 200
    stats = json.loads(body)
    assert set(stats) >= {"commands", "categories", "hit_ratio", "proxy"}, stats.keys()

    counts = expo.by_label("redislens_commands_total", "command")
    assert {label: entry["count"] for label, entry in stats["commands"].items()} == counts
    for label, entry in stats["commands"].items():
        assert set(entry) >= {"count", "errors", "p50", "p95", "p99", "p999", "slow"}, (label, entry)
        assert entry["errors"] == expo.sum("redislens_command_errors_total", command=label), label
        assert entry["slow"] == expo.sum("redislens_slow_commands_total", command=label), label
        assert 0 <= entry["p50"] <= entry["p95"] <= entry["p99"] <= entry["p999"] < 10, (label, entry)
        hits = expo.get("redislens_cache_hits_total", command=label)
        misses = expo.get("redislens_cache_misses_total", command=label)
        if hits is not None and hits + misses > 0:
            assert abs(entry["hit_ratio"] - hits / (hits + misses)) < 1e-9, (label, entry)
        else:
            assert entry.get("hit_ratio") is None, (label, entry)
    assert stats["commands"]["eval"]["p50"] >= 0.019, "a 20 ms EVAL: quantiles are not in seconds?"
    assert stats["commands"]["eval"]["slow"] == 1
    assert stats["commands"]["get"]["errors"] == 2 and stats["commands"]["other"]["errors"] == 1

    by_category = {}
    for labels, value in expo.series("redislens_commands_total"):
        by_category[labels["category"]] = by_category.get(labels["category"], 0) + value
    assert {c: e["count"] for c, e in stats["categories"].items()} == by_category
    all_hits = expo.sum("redislens_cache_hits_total")
    all_misses = expo.sum("redislens_cache_misses_total")
    assert abs(stats["hit_ratio"] - all_hits / (all_hits + all_misses)) < 1e-9

    proxy = stats["proxy"]
    assert set(proxy) >= {"uptime_seconds", "upstream_up", "pool_idle", "pool_used", "pool_waiting"}, proxy
    assert proxy["upstream_up"] == 1 and proxy["uptime_seconds"] > 0
    assert proxy["pool_used"] == expo.get("redislens_upstream_connections", state="used")
    if LensProcess.default_pool_mode != "shared":  # shared mode: the client holds no connection of its own
        assert proxy["pool_used"] == 1
    assert proxy["pool_idle"] == expo.get("redislens_upstream_connections", state="idle")


# --------------------------------------------------------------------------- /slowlog


def slowlog(lens):
    status, headers, body = http_get(lens.admin_port, "/slowlog")
    assert status == 200 and headers["content-type"].startswith("application/json")
    return json.loads(body)


def at_least(entries, n):
    return entries if len(entries) >= n else None


def test_slowlog_shows_slow_commands_sanitised(server, lens_factory):
    lens = lens_factory(server, "--slow-threshold", "10ms")
    direct = server.client()
    client = counting_client(lens)
    started = time.time()
    assert client.command("EVAL", BUSY_SCRIPT, "0", "25") == 1
    # A write held up by CLIENT PAUSE (sent straight to Redis): slow, with a key and a value.
    direct.execute_command("CLIENT", "PAUSE", "80", "WRITE")
    assert client.command("SET", "user:42", "topsecretvalue") == b"OK"

    entries = wait_until(lambda: at_least(slowlog(lens), 2), 10, "two slow log entries")
    newest, older = entries[0], entries[1]
    assert set(newest) == {"command", "arguments", "duration_seconds", "client", "time"}, newest
    assert newest["command"] == "set" and newest["arguments"] == "SET user:42 ?", newest
    assert older["command"] == "eval" and older["arguments"] == "EVAL ? ? ?", older
    assert older["duration_seconds"] >= 0.025 and newest["duration_seconds"] >= 0.01, entries
    for entry in (newest, older):
        assert entry["client"] == client.address, (entry, client.address)
        assert started - 1 <= entry["time"] <= time.time() + 1, entry
    assert newest["time"] >= older["time"]
    assert "topsecretvalue" not in json.dumps(entries) and "redis.call" not in json.dumps(entries)
    expo = scrape(lens)
    assert expo.get("redislens_slow_commands_total", command="eval", category="write") == 1
    assert expo.get("redislens_slow_commands_total", command="set", category="write") == 1
    assert "topsecretvalue" not in lens.logs().decode(errors="replace")


def test_slowlog_size_keeps_the_newest(server, lens_factory):
    lens = lens_factory(server, "--slow-threshold", "0us", "--slowlog-size", "3")
    client = counting_client(lens)
    for i in range(10):
        client.command("GET", f"k:{i}")
    entries = slowlog(lens)
    assert [e["arguments"] for e in entries] == ["GET k:9", "GET k:8", "GET k:7"], entries
    expo = scrape(lens)
    # With a 0 threshold every command is slow.
    assert expo.by_label("redislens_slow_commands_total", "command") == \
        expo.by_label("redislens_commands_total", "command")


def test_secrets_never_exposed(server, lens_factory):
    lens = lens_factory(server, "--slow-threshold", "0us", "--key-prefix-depth", "1", "--log-level", "trace")
    client = counting_client(lens)
    replies = {
        "auth user": client.command("AUTH", "someuser", SECRET),
        "auth": client.command("AUTH", SECRET),
        "hello": client.command("HELLO", "2", "AUTH", "someuser", SECRET),
        "config": client.command("CONFIG", "SET", "masterauth", SECRET),
        "acl": client.command("ACL", "SETUSER", "lensuser", "on", ">" + SECRET, "~*", "+@all"),
        "migrate": client.command("MIGRATE", "127.0.0.1", "1", "", "0", "10", "AUTH", SECRET, "KEYS", "k"),
    }
    client.send(f"AUTH someuser {SECRET}\r\n".encode())  # inline
    replies["inline"] = client.read_reply()
    assert replies["auth user"].startswith("WRONGPASS") and replies["inline"].startswith("WRONGPASS"), replies
    assert replies["config"] == b"OK" and replies["acl"] == b"OK", replies

    log = wait_until(lambda: at_least(slowlog(lens), 7), 10, "seven slow log entries")
    arguments = {entry["arguments"] for entry in log}
    assert {"AUTH ? ?", "AUTH ?", "HELLO ? ? ? ?", "CONFIG SET ? ?", "ACL SETUSER ? ? ? ? ?",
            "MIGRATE ? ? ? ? ? ? ? ? ?"} <= arguments, arguments
    assert lens.logs().count(b"slow command") >= 7

    bodies = {
        "/metrics": http_get(lens.admin_port, "/metrics")[2],
        "/metrics (OpenMetrics)": http_get(lens.admin_port, "/metrics", accept=OPENMETRICS_ACCEPT)[2],
        "/stats": http_get(lens.admin_port, "/stats")[2],
        "/slowlog": http_get(lens.admin_port, "/slowlog")[2],
        "logs": lens.logs().decode(errors="replace"),
    }
    leaks = [where for where, body in bodies.items() if SECRET in body]
    assert not leaks, f"{SECRET!r} appears in {leaks}"
    assert scrape(lens).get("redislens_command_errors_total", command="auth", category="admin",
                            error="WRONGPASS") == 2


def test_no_telemetry_keeps_health_and_traffic(server, lens_factory):
    lens = lens_factory(server, "--no-telemetry")
    r = lens.client()
    assert r.set("nt:k", "v") is True and r.get("nt:k") == b"v"
    assert http_get(lens.admin_port, "/healthz")[::2] == (200, "ok\n")
    assert http_get(lens.admin_port, "/readyz")[::2] == (200, "ready\n")
    for path in ("/metrics", "/stats", "/slowlog"):
        assert http_get(lens.admin_port, path)[0] == 404, path
    assert http_get(lens.admin_port, "/metrics", accept=OPENMETRICS_ACCEPT)[0] == 404
    raw = lens.raw()
    raw.send(encode("NOSUCH") + encode("PING"))
    assert isinstance(raw.read_reply(), ErrorReply) and raw.read_reply() == b"PONG"


def test_no_telemetry_from_the_environment(server, lens_factory):
    lens = lens_factory(server, env={"REDIS_LENS_NO_TELEMETRY": "true"})
    assert lens.client().ping() is True
    assert http_get(lens.admin_port, "/metrics")[0] == 404
    assert http_get(lens.admin_port, "/healthz")[0] == 200


def test_telemetry_flags_from_the_environment(server, lens_factory):
    lens = lens_factory(server, env={"REDIS_LENS_SLOW_THRESHOLD": "0us", "REDIS_LENS_SLOWLOG_SIZE": "2",
                                     "REDIS_LENS_KEY_PREFIX_DEPTH": "1", "REDIS_LENS_KEY_PREFIX_DELIMITER": "/"})
    client = counting_client(lens)
    for key in ("a/1", "b/2", "c/3"):
        client.command("GET", key)
    assert [e["arguments"] for e in slowlog(lens)] == ["GET c/3", "GET b/2"]
    assert scrape(lens).by_label("redislens_key_prefix_commands_total", "prefix") == {"a": 1, "b": 1, "c": 1}


def test_valid_slow_threshold_spellings(server, lens_factory):
    for spelling in ("100ms", "0.5s", "250us", "250µs", "2"):
        lens = lens_factory(server, "--slow-threshold", spelling)
        assert lens.client().ping() is True
        assert lens.stop() == 0


def test_slowlog_renders_binary_and_long_keys_safely(server, lens_factory):
    lens = lens_factory(server, "--slow-threshold", "0us")
    client = counting_client(lens)
    client.command("GET", b"a\x00b\\c\xff")
    client.command("GET", "k" * 40)
    client.command("SET", 'q"uote', "value with \"quotes\" and s3cret")
    entries = slowlog(lens)
    arguments = [e["arguments"] for e in entries][:3]  # then the start-up PING
    assert arguments == ['SET q"uote ?', "GET " + "k" * 32 + "…", "GET a\\x00b\\x5cc\\xff"], arguments
