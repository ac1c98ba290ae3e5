"""Clients cannot grow /metrics without bound: key prefixes past --max-prefixes and error
prefixes Redis never sends share one series, and label values never collide.
(TelemetryTests/KeyPrefixTests checks the prefix cap and that random command names all
count as `other`.)"""

import random
import string

from conftest import ErrorReply
from metrics_support import counting_client, promtool_check, scrape


def random_word(rng, length=12):
    return "".join(rng.choice(string.ascii_lowercase + string.digits) for _ in range(length))


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
    status, body = lens.http("/metrics")
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
