"""Clients cannot grow /metrics without bound: unknown command names share one `other`
series, key prefixes past --max-prefixes share `other`, and label values never collide."""

import random
import string

from conftest import ErrorReply
from metrics_support import counting_client, promtool_check, scrape

COMMANDS = "redislens_commands_total"
PREFIX_FAMILIES = ("redislens_key_prefix_commands_total", "redislens_key_prefix_hits_total",
                   "redislens_key_prefix_misses_total")


def random_word(rng, length=12):
    return "".join(rng.choice(string.ascii_lowercase + string.digits) for _ in range(length))


def series_count(expo):
    return len(expo.samples)


def test_random_command_names_share_one_other_series(server, lens_factory, record_property):
    lens = lens_factory(server)
    client = counting_client(lens)
    assert client.command("SET", "warm", "x") == b"OK"
    before = scrape(lens)
    size_before = len(before.text)

    rng = random.Random(1)
    names = {"zz" + random_word(rng) for _ in range(10_000)}
    assert len(names) == 10_000
    names = sorted(names)
    for start in range(0, 10_000, 1000):
        replies = client.pipeline([(name, "arg") for name in names[start:start + 1000]])
        assert all(isinstance(r, ErrorReply) and r.startswith("ERR unknown command") for r in replies)
    # Unknown subcommands of known containers are `other` as well.
    subcommands = [random_word(rng) for _ in range(1000)]
    replies = client.pipeline([("CONFIG", sub) for sub in subcommands])
    assert all(isinstance(r, ErrorReply) for r in replies)

    after = scrape(lens)
    record_property("metrics_bytes_before", size_before)
    record_property("metrics_bytes_after_11000_unknown", len(after.text))
    print(f"/metrics: {size_before} bytes before, {len(after.text)} after 11,000 unknown names")

    new_series = {tuple(sorted(l.items())) for l, _ in after.series(COMMANDS)} - \
        {tuple(sorted(l.items())) for l, _ in before.series(COMMANDS)}
    assert new_series == {(("category", "other"), ("command", "other"))}, new_series
    assert after.get(COMMANDS, command="other", category="other") == 11_000
    assert after.get("redislens_command_errors_total", command="other", category="other", error="ERR") == 11_000
    assert after.get("redislens_command_duration_seconds_count", command="other", category="other") == 11_000
    assert all(name not in after.text for name in names[:200] + subcommands[:200])
    # One command series adds a fixed number of lines (count, error, 19 histogram lines).
    assert series_count(after) - series_count(before) <= 25, series_count(after) - series_count(before)
    assert len(after.text) - size_before < 4096


def test_random_prefixes_are_capped(server, lens_factory, record_property):
    lens = lens_factory(server, "--key-prefix-depth", "1", "--max-prefixes", "50")
    client = counting_client(lens)
    rng = random.Random(2)
    prefixes = sorted({"p" + random_word(rng, 10) for _ in range(10_000)})
    assert len(prefixes) == 10_000
    client.pipeline([("GET", f"{prefix}:x") for prefix in prefixes[:50]])
    at_limit = scrape(lens)
    for start in range(50, 10_000, 1000):
        client.pipeline([("GET", f"{prefix}:x") for prefix in prefixes[start:start + 1000]])
    expo = scrape(lens)
    record_property("metrics_bytes_at_50_prefixes", len(at_limit.text))
    record_property("metrics_bytes_after_10000_prefixes", len(expo.text))
    print(f"/metrics: {len(at_limit.text)} bytes at 50 prefixes, {len(expo.text)} after 10,000")

    for family in PREFIX_FAMILIES:
        series = expo.by_label(family, "prefix")
        assert len(series) <= 51, f"{family}: {len(series)} series"
    commands = expo.by_label("redislens_key_prefix_commands_total", "prefix")
    assert sum(commands.values()) == 10_000
    assert commands.get("other") == 10_000 - 50, {k: v for k, v in commands.items() if v != 1}
    assert set(commands) - {"other"} == set(prefixes[:50]), "the first 50 prefixes seen keep their series"
    misses = expo.by_label("redislens_key_prefix_misses_total", "prefix")
    assert sum(misses.values()) == 10_000 and sum(expo.by_label("redislens_key_prefix_hits_total", "prefix").values()) == 0
    assert len(expo.text) - len(at_limit.text) < 1024, "only the `other` series was added past the limit"
    assert len(expo.text) < 64 * 1024


def test_prefix_named_other_does_not_duplicate_the_overflow_series(server, lens_factory):
    """A real prefix spelled `other` must not render a second `prefix="other"` series next
    to the overflow one (a duplicate series makes the whole scrape invalid)."""
    lens = lens_factory(server, "--key-prefix-depth", "1", "--max-prefixes", "2")
    client = counting_client(lens)
    for key in ("other:1", "alpha:1", "beta:1", "gamma:1"):  # `other` and `alpha` admitted; beta, gamma overflow
        client.command("GET", key)
    status_text = scrape_text(lens)
    lines = [line for line in status_text.splitlines()
             if line.startswith('redislens_key_prefix_commands_total{prefix="other"}')]
    assert len(lines) == 1, f"duplicate series: {lines}"
    code, output = promtool_check(status_text)
    assert code == 0 and not output, output
    scrape(lens)  # strict parse: no duplicate samples anywhere


def test_non_utf8_prefixes_do_not_collide(server, lens_factory):
    """Two different non-UTF-8 prefixes must stay two distinct label values (or share one
    series), never render as two series with the same label."""
    lens = lens_factory(server, "--key-prefix-depth", "1")
    client = counting_client(lens)
    for key in (b"\xff:1", b"\xfe:1", b"\xc3:1"):
        client.command("GET", key)
    text = scrape_text(lens)
    lines = [line for line in text.splitlines() if line.startswith("redislens_key_prefix_commands_total{")]
    labels = [line.rsplit(" ", 1)[0] for line in lines]
    assert len(labels) == len(set(labels)), f"duplicate prefix series: {lines}"
    assert sum(int(line.rsplit(" ", 1)[1]) for line in lines) == 3
    code, output = promtool_check(text)
    assert code == 0 and not output, output


def test_long_and_many_key_shapes_stay_bounded(server, lens_factory):
    """Keys without the delimiter, long prefixes and binary keys all land in bounded series."""
    lens = lens_factory(server, "--key-prefix-depth", "2", "--max-prefixes", "10")
    client = counting_client(lens)
    rng = random.Random(3)
    commands = []
    for i in range(3000):
        shape = i % 3
        if shape == 0:
            key = random_word(rng, 20)  # no delimiter: (none)
        elif shape == 1:
            key = "a:" + random_word(rng, 8) + ":tail"  # depth 2: a:<random>
        else:
            key = "x" * 40 + ":" + random_word(rng, 4) + ":z"  # delimiter past the 32-byte key head
        commands.append(("SET", key, "v"))
    client.pipeline(commands)
    expo = scrape(lens)
    commands_by_prefix = expo.by_label("redislens_key_prefix_commands_total", "prefix")
    assert len(commands_by_prefix) <= 11, commands_by_prefix.keys()
    assert sum(commands_by_prefix.values()) == 3000
    assert commands_by_prefix.get("(none)", 0) >= 1000, commands_by_prefix
    assert len(expo.text) < 64 * 1024


def scrape_text(lens):
    from metrics_support import http_get
    status, _, body = http_get(lens.admin_port, "/metrics")
    assert status == 200
    return body


def test_random_error_prefixes_share_the_other_error_label(server, lens_factory):
    """Error replies with prefixes Redis never sends (scripts can return any) are `OTHER`."""
    lens = lens_factory(server)
    client = counting_client(lens)
    rng = random.Random(4)
    words = ["E" + random_word(rng, 8).upper() for _ in range(2000)]
    replies = client.pipeline([("EVAL", "return redis.error_reply(ARGV[1] .. ' boom')", "0", word)
                               for word in words])
    assert all(isinstance(r, ErrorReply) for r in replies)
    expo = scrape(lens)
    errors = {(l["command"], l["error"]): v for l, v in expo.series("redislens_command_errors_total")}
    assert errors == {("eval", "OTHER"): 2000}, errors
    assert all(word not in expo.text for word in words[:200])
