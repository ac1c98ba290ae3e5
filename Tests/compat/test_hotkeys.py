"""Hot keys (/hotkeys, redislens_hotkey_commands), big keys (/bigkeys) and the request and
reply size histograms, against exact counts computed here (issue 28)."""

import bisect
import json
import math
import random

from conftest import encode, http_get, wait_until
from metrics_support import check_histogram, promtool_check, scrape

SIZE_BOUNDS = [16 << (2 * i) for i in range(13)]  # 16 B ... 256 MiB, then +Inf


def get_json(lens, path):
    status, headers, body = http_get(lens.admin_port, path)
    assert status == 200, (path, status, body[:300])
    assert headers["content-type"] == "application/json"
    return json.loads(body)


def keys_of(window):
    return {entry["key"]: entry for entry in window["keys"]}


def wait_for_fresh_window(lens, room):
    """Waits until the current window has at least `room` seconds left; returns /hotkeys."""
    def fresh():
        doc = get_json(lens, "/hotkeys")
        return doc if doc["window_seconds"] - doc["current"]["elapsed_seconds"] >= room else None
    return wait_until(fresh, 60, f"a hot-key window with {room}s left", interval=0.05)


def zipf_sampler(distinct, exponent, rng):
    weights = [1 / (rank ** exponent) for rank in range(1, distinct + 1)]
    total = sum(weights)
    cdf = []
    running = 0.0
    for weight in weights:
        running += weight / total
        cdf.append(running)
    return lambda: min(bisect.bisect_left(cdf, rng.random()), distinct - 1)


def test_zipf_hot_keys_match_exact_counts(server, lens_factory):
    lens = lens_factory(server, "--hotkeys", "--hotkeys-window", "3600s", "--threads", "2")
    # Two connections, on the proxy's two loops: two shards' summaries merged.
    pipes = [lens.client().pipeline(transaction=False) for _ in range(2)]
    wait_for_fresh_window(lens, 120)
    rng = random.Random(28)
    sample = zipf_sampler(10_000, 1.1, rng)
    exact, reads, writes, hits, misses = {}, {}, {}, {}, {}
    stored = set()
    total = 150_000
    for n in range(total):
        pipe = pipes[(n // 2000) % 2]
        key = f"zipf:{sample()}"
        exact[key] = exact.get(key, 0) + 1
        if rng.random() < 0.8:
            pipe.get(key)
            reads[key] = reads.get(key, 0) + 1
            if key in stored:
                hits[key] = hits.get(key, 0) + 1
            else:
                misses[key] = misses.get(key, 0) + 1
        else:
            pipe.set(key, "v")
            writes[key] = writes.get(key, 0) + 1
            stored.add(key)
        if n % 2000 == 1999:
            pipe.execute()
    for pipe in pipes:
        pipe.execute()

    doc = get_json(lens, "/hotkeys")
    assert doc["enabled"] is True and doc["k"] == 100 and doc["window_seconds"] == 3600
    assert "error" in doc["error_bound"]
    current = doc["current"]
    assert current["commands"] == total
    reported = current["keys"]
    assert len(reported) == 100
    counts = [entry["count"] for entry in reported]
    assert counts == sorted(counts, reverse=True)
    for entry in reported:
        truth = exact[entry["key"]]
        assert entry["count"] - entry["error"] <= truth <= entry["count"], (entry, truth)
        assert entry["error"] <= total / (4 * 100), entry
        assert entry["key_bytes"] == len(entry["key"]) and entry["truncated"] is False
    true_top = sorted(exact, key=exact.get, reverse=True)[:20]
    names = {entry["key"] for entry in reported}
    assert set(true_top) <= names, set(true_top) - names
    # Keys counted from their first command on are exact, reads/writes/hits/misses too.
    exact_entries = [entry for entry in reported if entry["error"] == 0]
    assert len(exact_entries) >= 10
    for entry in exact_entries[:10]:
        key = entry["key"]
        assert (entry["count"], entry["reads"], entry["writes"], entry["hits"], entry["misses"]) == (
            exact[key], reads.get(key, 0), writes.get(key, 0), hits.get(key, 0), misses.get(key, 0)), entry


def test_window_rotation(server, lens_factory):
    window = 1  # seconds: the test waits out about three
    lens = lens_factory(server, "--hotkeys", "--hotkeys-window", f"{window}s")
    client = lens.client()
    wait_for_fresh_window(lens, 0.75 * window)
    for _ in range(5):
        client.incr("rotating:a")
    first = get_json(lens, "/hotkeys")
    assert keys_of(first["current"])["rotating:a"]["count"] == 5
    start = first["current"]["start"]

    def rotated():
        doc = get_json(lens, "/hotkeys")
        return doc if doc["previous"] is not None and math.isclose(doc["previous"]["start"], start, abs_tol=0.1) else None
    # The window ends without any command: the scrape places it as the previous one.
    doc = wait_until(rotated, 10, "the window to end")
    assert keys_of(doc["previous"])["rotating:a"]["count"] == 5
    assert doc["previous"]["commands"] == 5
    assert "rotating:a" not in keys_of(doc["current"])
    # A command in the new window rotates the shard itself; the old window stays previous.
    for _ in range(3):
        client.incr("rotating:b")
    doc = get_json(lens, "/hotkeys")
    if math.isclose(doc["current"]["start"], start + window, abs_tol=0.1):
        assert keys_of(doc["current"])["rotating:b"]["count"] == 3
        assert keys_of(doc["previous"])["rotating:a"]["count"] == 5
    # Two windows later both are gone.
    wait_until(lambda: "rotating:b" not in json.dumps(get_json(lens, "/hotkeys")), 10, "b to age out")


WEIRD = [b'bin\x00\xff\n"q\\', b"L" * 100, b"P" * 40 + b"-one", b"P" * 40 + b"-two"]


def test_metrics_top_n_and_key_text(server, lens_factory):
    lens = lens_factory(server, "--hotkeys", "--hotkeys-metrics", "5", "--hotkeys-window", "3600s")
    client = lens.client()
    wait_for_fresh_window(lens, 120)
    plain = [f"plain:{n}".encode() for n in range(6)]
    keys = WEIRD + plain
    pipe = client.pipeline(transaction=False)
    for rank, key in enumerate(keys):
        for _ in range(100 - rank):
            pipe.set(key, "x")
    pipe.execute()

    doc = get_json(lens, "/hotkeys")
    entries = doc["current"]["keys"]
    assert [entry["count"] for entry in entries] == [100 - rank for rank in range(len(keys))]
    weird, long_key, one, two = entries[:4]
    assert weird == {"key": 'bin\\x00\\xff\\x0a"q\\x5c', "key_bytes": 9, "truncated": False, "count": 100,
                     "error": 0, "reads": 0, "writes": 100, "hits": 0, "misses": 0}
    assert long_key["key"] == "L" * 32 and long_key["key_bytes"] == 100 and long_key["truncated"] is True
    # Keys alike in their first 32 bytes and length stay two keys.
    assert one["key"] == two["key"] == "P" * 32 and one["key_bytes"] == two["key_bytes"] == 44
    assert (one["count"], two["count"]) == (98, 97)

    for openmetrics in (False, True):
        expo = scrape(lens, openmetrics=openmetrics)
        series = expo.series("redislens_hotkey_commands")
        assert len(series) == 5, series
        assert sorted(value for _, value in series) == [96, 97, 98, 99, 100]
        labels = {labels["key"]: value for labels, value in series}
        assert labels['bin\\x00\\xff\\x0a"q\\x5c'] == 100
        assert len([key for key in labels if key.startswith("P" * 32 + "…")]) == 2
        if not openmetrics:  # promtool reads the 0.0.4 text format
            code, lines = promtool_check(expo.text)
            assert code == 0 and not lines, (code, lines)


def test_hot_keys_off_by_default(proxy):
    proxy.client().set("k", "v")
    doc = get_json(proxy, "/hotkeys")
    assert doc["enabled"] is False and doc["current"] is None and doc["previous"] is None
    assert scrape(proxy).series("redislens_hotkey_commands") == []
    # Big keys are always on.
    assert get_json(proxy, "/bigkeys")["requests"][0]["key"] == "k"


def test_hot_keys_from_the_environment(server, lens_factory):
    lens = lens_factory(server, env={"REDIS_LENS_HOTKEYS": "1", "REDIS_LENS_HOTKEYS_K": "7",
                                     "REDIS_LENS_HOTKEYS_WINDOW": "90s", "REDIS_LENS_HOTKEYS_METRICS": "2"})
    lens.client().set("from-env", "v")
    doc = get_json(lens, "/hotkeys")
    assert (doc["enabled"], doc["k"], doc["window_seconds"]) == (True, 7, 90)
    assert keys_of(doc["current"])["from-env"]["count"] == 1
    assert len(scrape(lens).series("redislens_hotkey_commands")) == 1


def bucket_of(size):
    return bisect.bisect_left(SIZE_BOUNDS, size)


def test_sizes_and_big_keys(server, lens_factory):
    lens = lens_factory(server)
    client = lens.client(socket_timeout=120)
    sizes = {"one": 1, "kib": 1024, "mib": 1 << 20, "big": 100 << 20}
    request_sizes, reply_sizes = [], []
    for name, size in sizes.items():
        value = b"v" * size
        key = f"size:{name}"
        assert client.set(key, value)
        request_sizes.append(len(encode("SET", key, value)))
        assert client.get(key) == value
        reply_sizes.append(len(f"${size}\r\n") + size + 2)
        del value

    expo = scrape(lens)
    for family, command, expected in (
        ("redislens_command_request_bytes", "set", request_sizes),
        ("redislens_command_reply_bytes", "get", reply_sizes),
    ):
        labels = {"command": command, "category": "read" if command == "get" else "write"}
        assert check_histogram(expo, family, labels) == 4
        assert expo.get(family + "_sum", **labels) == sum(expected)
        buckets = [0] * (len(SIZE_BOUNDS) + 1)
        for size in expected:
            buckets[bucket_of(size)] += 1
        cumulative = 0
        for index, bound in enumerate(SIZE_BOUNDS):
            cumulative += buckets[index]
            assert expo.get(family + "_bucket", le=str(bound), **labels) == cumulative, (family, bound)
    # GET's requests and SET's replies (+OK) are small: every one in the first buckets.
    get_labels = {"command": "get", "category": "read"}
    assert expo.get("redislens_command_request_bytes_bucket", le="64", **get_labels) == 4
    assert expo.get("redislens_command_reply_bytes_bucket", le="16", command="set", category="write") == 4
    # The relay times each request from its upstream write: Redis's share of the duration.
    for labels in (get_labels, {"command": "set", "category": "write"}):
        assert check_histogram(expo, "redislens_upstream_duration_seconds", labels) == 4
        upstream = expo.get("redislens_upstream_duration_seconds_sum", **labels)
        assert 0 < upstream <= expo.get("redislens_command_duration_seconds_sum", **labels)

    doc = get_json(lens, "/bigkeys")
    assert doc["k"] == 100 and doc["window_seconds"] == 60
    top_request, top_reply = doc["requests"][0], doc["replies"][0]
    assert (top_request["key"], top_request["command"], top_request["bytes"]) == ("size:big", "set", request_sizes[3])
    assert (top_reply["key"], top_reply["command"], top_reply["bytes"]) == ("size:big", "get", reply_sizes[3])
    assert top_request["key_bytes"] == 8 and top_request["truncated"] is False
    assert [entry["bytes"] for entry in doc["requests"][:4]] == sorted(request_sizes, reverse=True)
    assert [entry["key"] for entry in doc["replies"][:4]] == ["size:big", "size:mib", "size:kib", "size:one"]
