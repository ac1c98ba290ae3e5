"""The activity log (--activity-log RATIO): one JSON line per sampled command on stdout,
optionally after --activity-log-prefix; with --loki-url pushed to Loki's push API instead
(batched, bounded, drops counted). The Loki side is a real HTTP server on loopback."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from conftest import LOOPBACK, wait_until
from metrics_support import scrape

PASSWORD = "hunter2-secret"
PREFIX = "redis_cache_event"


def activity_lines(lens, prefix=None):
    """The activity-log objects on the proxy's stdout."""
    out = []
    for line in lens.stdout().decode().splitlines():
        if prefix is not None:
            if not line.startswith(prefix + " "):
                continue
            line = line[len(prefix) + 1:]
        if '"logger":"redis-lens.activity"' in line:
            out.append(json.loads(line))
    return out


def test_lines_on_stdout_with_prefix(redis_factory, lens_factory):
    server = redis_factory(password=PASSWORD)
    lens = lens_factory(server, "--activity-log", "1", "--activity-log-prefix", PREFIX, "--log-format", "json")
    client = lens.raw()
    assert client.command("AUTH", PASSWORD) == b"OK"
    assert client.command("SET", "user:1", "value-secret") == b"OK"
    assert client.command("GET", "user:1") == b"value-secret"
    assert client.command("GET", "user:404") is None
    assert client.command("HGET", "user:1", "f").startswith("WRONGTYPE")
    assert client.command("CONFIG", "SET", "requirepass", PASSWORD) == b"OK"
    address = "%s:%d" % client.sock.getsockname()[:2]

    def ours():
        found = [line for line in activity_lines(lens, PREFIX) if line["client"] == address]
        return len(found) == 6 and found

    lines = wait_until(ours, 10, "six activity lines from this client")
    by_query = {line["query"]: line for line in lines}
    assert by_query["AUTH ?"]["key"] is None and by_query["AUTH ?"]["category"] == "admin"
    assert by_query["SET user:1 ?"]["command"] == "set" and by_query["SET user:1 ?"]["cache"] is None
    hit, miss = by_query["GET user:1"], by_query["GET user:404"]
    assert (hit["cache"], hit["hits"], hit["misses"], hit["key"]) == ("hit", 1, 0, "user:1")
    assert (miss["cache"], miss["hits"], miss["misses"]) == ("miss", 0, 1)
    assert by_query["HGET user:1 ?"]["error"] == "WRONGTYPE" and by_query["HGET user:1 ?"]["cache"] is None
    assert by_query["CONFIG SET ? ?"]["category"] == "admin"
    for line in lines:
        assert line["level"] == "info" and line["event"] == "command" and line["outcome"] == "replied"
        assert isinstance(line["duration_seconds"], float) and line["duration_seconds"] >= 0
    text = lens.stdout().decode()
    assert PASSWORD not in text and "value-secret" not in text
    assert len(activity_lines(lens, PREFIX)) == scrape(lens).get("redislens_activity_log_lines_total")


def test_sampling_and_off_by_default(server, lens_factory):
    sampled = lens_factory(server, "--activity-log", "0.5", "--log-format", "json")
    client = sampled.raw()
    client.send(b"".join(b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\n" for _ in range(400)))
    for _ in range(400):
        assert client.read_reply() is None
    expo = wait_until(lambda: (e := scrape(sampled)).sum("redislens_commands_total") >= 400 and e, 10, "400 GETs")
    written = expo.get("redislens_activity_log_lines_total")
    # Binomial(400+, 0.5): outside 100..300 has a chance below 1e-20.
    assert 100 < written < 300, written
    # A line is counted when queued; a thread of its own writes it to stdout after.
    wait_until(lambda: len(activity_lines(sampled)) == written, 10, f"{written} lines on stdout")

    plain = lens_factory(server, "--log-format", "json")
    plain.raw().command("GET", "k")
    assert scrape(plain).get("redislens_activity_log_lines_total") == 0
    assert activity_lines(plain) == []


def test_flags_from_the_environment(server, lens_factory):
    lens = lens_factory(server, env={"REDIS_LENS_ACTIVITY_LOG": "1", "REDIS_LENS_ACTIVITY_LOG_PREFIX": PREFIX,
                                     "REDIS_LENS_LOG_FORMAT": "json"})
    lens.raw().command("GET", "env-key")
    wait_until(lambda: any(l["key"] == "env-key" for l in activity_lines(lens, PREFIX)), 10, "a prefixed line")


# --------------------------------------------------------------------------- Loki


class LokiReceiver:
    """A real HTTP server taking Loki pushes: records each body, answers `status`; while
    `hold` is clear, requests wait for it (a stuck Loki)."""

    def __init__(self, status=204):
        self.status = status
        self.pushes = []
        self.arrived = 0  # pushes taken, answered or not
        self.hold = threading.Event()
        self.hold.set()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.arrived += 1
                receiver.hold.wait(30)
                receiver.pushes.append((self.path, self.headers["Content-Type"], json.loads(body)))
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer((LOOPBACK, 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return f"http://{LOOPBACK}:{self.httpd.server_address[1]}"

    def lines(self):
        return [json.loads(value[1]) for _, _, body in list(self.pushes)
                for stream in body["streams"] for value in stream["values"]]

    def close(self):
        self.hold.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def loki():
    receivers = []

    def make(status=204):
        receivers.append(LokiReceiver(status))
        return receivers[-1]

    yield make
    for receiver in receivers:
        receiver.close()


def test_push_to_loki(server, lens_factory, loki):
    receiver = loki()
    lens = lens_factory(server, "--activity-log", "1", "--loki-url", receiver.url, "--log-format", "json")
    client = lens.raw()
    for i in range(50):
        client.command("SET", f"k:{i}", "v")
    wait_until(lambda: sum(1 for l in receiver.lines() if l["command"] == "set") >= 50, 15, "50 SET lines in Loki")
    path, content_type, body = receiver.pushes[0]
    assert path == "/loki/api/v1/push" and content_type == "application/json"
    stream = body["streams"][0]
    assert stream["stream"] == {"service": "redis-lens", "logger": "redis-lens.activity", "level": "info"}
    stamps = [int(value[0]) for value in stream["values"]]
    assert stamps == sorted(stamps) and all(stamp > 1_600_000_000 * 10**9 for stamp in stamps)
    assert {l["key"] for l in receiver.lines() if l["command"] == "set"} >= {f"k:{i}" for i in range(50)}
    assert activity_lines(lens) == [], "with --loki-url the activity log goes to Loki only"
    # A push is counted once Loki's answer is read, after Loki has stored its lines.
    expo = wait_until(lambda: (e := scrape(lens)).get("redislens_activity_log_pushed_total") == len(receiver.lines())
                      and e, 10, "every line Loki holds counted as pushed")
    assert expo.get("redislens_activity_log_dropped_total", reason="push_failed") == 0


def test_lines_queued_at_shutdown_are_pushed(server, lens_factory, loki):
    receiver = loki()
    lens = lens_factory(server, "--activity-log", "1", "--loki-url", receiver.url)
    lens.raw().command("GET", "last-words")
    assert lens.stop() == 0
    assert any(l["key"] == "last-words" for l in receiver.lines())


def test_failed_pushes_are_counted_and_logged(server, lens_factory, loki):
    receiver = loki(status=500)
    lens = lens_factory(server, "--activity-log", "1", "--loki-url", receiver.url, "--log-format", "json")
    lens.raw().command("GET", "k")
    expo = wait_until(lambda: (e := scrape(lens)).get("redislens_activity_log_dropped_total", reason="push_failed")
                      and e, 15, "a failed push counted")
    assert expo.get("redislens_activity_log_pushed_total") == 0
    assert lens.raw().command("PING") == b"PONG"
    # The drop is counted just before the warning is logged.
    warnings = wait_until(lambda: [json.loads(l) for l in lens.stdout().decode().splitlines()
                                   if '"loki push failed"' in l], 10, "the push failure logged")
    assert len(warnings) == 1 and warnings[0]["reason"] == "HTTP 500", warnings


def test_a_stuck_loki_fills_the_queue_and_drops_are_counted(server, lens_factory, loki):
    receiver = loki()
    receiver.hold.clear()  # Loki takes the first push and never answers (until the test ends)
    lens = lens_factory(server, "--activity-log", "1", "--loki-url", receiver.url, "--log-format", "json")
    client = lens.raw()
    client.command("GET", "first")
    wait_until(lambda: scrape(lens).get("redislens_activity_log_lines_total") >= 1, 10, "the first line queued")
    total = 12_000
    for start in range(0, total, 2000):
        client.send(b"".join(b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\n" for _ in range(2000)))
        for _ in range(2000):
            assert client.read_reply() is None
    expo = scrape(lens)
    commands = expo.sum("redislens_commands_total")
    written = expo.get("redislens_activity_log_lines_total")
    dropped = expo.get("redislens_activity_log_dropped_total", reason="queue_full")
    # Every command got a line, queued or dropped; the queue holds 10,000 (plus the batch in flight).
    assert written + dropped == commands
    assert dropped > 0 and written <= 10_000 + 1_000 + 100, (written, dropped)
    assert lens.raw().command("PING") == b"PONG"

    # Loki holds the first push: a shutdown gives it the 2 s grace (not the push's own
    # 5 s timeout), then drops what is undelivered and exits.
    wait_until(lambda: receiver.arrived >= 1, 10, "a push at Loki")
    assert receiver.arrived == 1
    started = time.monotonic()
    assert lens.stop() == 0
    elapsed = time.monotonic() - started
    assert 2 <= elapsed < 4.5, elapsed
    failed = [json.loads(l) for l in lens.stdout().decode().splitlines() if '"loki push failed"' in l]
    assert len(failed) == 1 and "shutdown grace" in failed[0]["reason"], failed
