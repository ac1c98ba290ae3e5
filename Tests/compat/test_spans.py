"""Spans: one OTLP span per command, with the database semantic conventions'
attributes, sampled after the reply (errors and slow commands always kept), MULTI as a
parent of its commands, and secrets never exported."""

import hashlib
import os
import time

import pytest
import redis

from conftest import LOOPBACK, ErrorReply, wait_until
from metrics_support import scrape
from otlp_support import OTLPReceiver, file_spans, parse_request

FAST = ("--otlp-flush-interval", "0.05")


def mark(client):
    """An ECHO without its argument: an error, so its span is always kept; it marks the end of a test's traffic."""
    with pytest.raises(Exception):
        client.execute_command("ECHO")


@pytest.mark.parametrize("protocol,content_type", [
    (None, "application/x-protobuf"), ("http/protobuf", "application/x-protobuf"), ("http/json", "application/json")])
def test_a_command_becomes_a_span_with_every_attribute(redis_factory, lens_factory, protocol, content_type):
    server = redis_factory()
    with OTLPReceiver() as receiver:
        env = {"OTEL_EXPORTER_OTLP_ENDPOINT": receiver.endpoint, "OTEL_SERVICE_NAME": "checkout",
               "OTEL_EXPORTER_OTLP_HEADERS": "x-tenant=t%201,api-key=k",
               "OTEL_RESOURCE_ATTRIBUTES": "deployment.environment=test,service.name=ignored"}
        if protocol:
            env["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"] = protocol
        lens = lens_factory(server.url(db=2), "--trace-sample-ratio", "1", *FAST, env=env)
        raw = lens.raw()
        client_port = raw.sock.getsockname()[1]
        before = time.time_ns()
        assert raw.command("SET", "user:1", "v") == b"OK"
        assert raw.command("GET", "user:1") == b"v"
        assert raw.command("GET", "nope") is None
        assert isinstance(raw.command("LPUSH", "user:1", "x"), ErrorReply)
        assert raw.command("CONFIG", "GET", "maxmemory") == [b"maxmemory", b"0"]
        spans = receiver.wait_for_span(lambda s: s["name"] == "CONFIG GET", "the CONFIG GET span")
        after = time.time_ns()
        spans = [s for s in receiver.spans() if s["attributes"].get("client.port") == client_port]
        assert [s["name"] for s in spans] == ["SET", "GET", "GET", "LPUSH", "CONFIG GET"]
        request = receiver.requests[0]
        assert request["path"] == "/v1/traces"
        assert request["headers"]["Content-Type"] == content_type
        assert request["headers"]["x-tenant"] == "t 1" and request["headers"]["api-key"] == "k"
    set_span, hit, miss, error, config = spans
    for span in spans:
        assert span["resource"]["service.name"] == "checkout"
        assert span["resource"]["deployment.environment"] == "test"
        assert span["scope"] == ("redis-lens", span["resource"]["service.version"])
        assert before <= span["start"] <= span["end"] <= after
        assert span["parent"] == "" and len({s["trace_id"] for s in spans}) == len(spans)
        attributes = span["attributes"]
        assert attributes["db.system.name"] == "redis" and attributes["db.namespace"] == "2"
        assert attributes["db.operation.name"] == span["name"]
        assert attributes["server.address"] == LOOPBACK and attributes["server.port"] == server.port
        assert attributes["network.peer.address"] == LOOPBACK and attributes["network.peer.port"] == server.port
        assert attributes["client.address"] == LOOPBACK and attributes["client.port"] == client_port
        assert "db.system" not in attributes and "db.statement" not in attributes
    assert set_span["attributes"]["db.query.text"] == "SET user:1 ?"
    assert set_span["attributes"]["redis.command.category"] == "write"
    assert set_span["attributes"]["redis.response.size"] == 5 and "redis.cache.hit" not in set_span["attributes"]
    assert hit["attributes"]["redis.cache.hit"] is True and miss["attributes"]["redis.cache.hit"] is False
    assert hit["attributes"]["redis.response.size"] == 7 and not hit["error"]
    assert error["error"] and error["attributes"]["error.type"] == "WRONGTYPE"
    assert error["attributes"]["db.response.status_code"] == "WRONGTYPE"
    assert config["attributes"]["db.query.text"] == "CONFIG GET ?"
    assert config["attributes"]["redis.command.category"] == "admin"
    for span in spans:
        attributes = span["attributes"]
        split = attributes["redis_lens.upstream_duration_ns"] + attributes["redis_lens.proxy_duration_ns"]
        assert split == span["end"] - span["start"], span


def test_the_time_splits_between_redis_and_the_proxy(redis_factory, lens_factory):
    server = redis_factory("--enable-debug-command", "yes")
    with OTLPReceiver() as receiver:
        lens = lens_factory(server, "--otlp-endpoint", receiver.endpoint, "--trace-sample-ratio", "1", *FAST)
        client = lens.client()
        # The proxy's share includes any time its thread waited for a core: on a busy machine
        # one run can be preempted, so the best of a few runs is judged.
        shares = []
        for run in range(1, 6):
            assert client.execute_command("DEBUG", "SLEEP", "0.05") in (True, b"OK")
            span = wait_until(lambda: [s for s in receiver.spans() if s["name"] == "DEBUG"][run - 1:], 20,
                              f"DEBUG SLEEP span {run}")[0]
            attributes = span["attributes"]
            upstream = attributes["redis_lens.upstream_duration_ns"]
            proxy = attributes["redis_lens.proxy_duration_ns"]
            assert upstream >= 50_000_000, attributes
            assert 0 <= proxy, attributes
            assert upstream + proxy == span["end"] - span["start"]
            shares.append(proxy)
            if proxy < 1_000_000:
                break
    assert min(shares) < 1_000_000, shares


def test_ratio_zero_keeps_every_error_and_slow_command(redis_factory, lens_factory):
    server = redis_factory("--enable-debug-command", "yes")
    with OTLPReceiver() as receiver:
        lens = lens_factory(server, "--otlp-endpoint", receiver.endpoint, "--trace-sample-ratio", "0",
                            "--slow-threshold", "100ms", *FAST)
        client = lens.client()
        for i in range(300):
            client.set(f"k{i}", i)
            client.get(f"k{i}")
        errors = 0
        for i in range(5):
            with pytest.raises(Exception):
                client.lpush(f"k{i}", "x")
            errors += 1
        client.execute_command("DEBUG", "SLEEP", "0.2")
        client.execute_command("DEBUG", "SLEEP", "0.15")
        mark(client)
        receiver.wait_for_span(lambda s: s["name"] == "ECHO", "the marker span")
        spans = receiver.spans()
    names = [s["name"] for s in spans]
    assert names.count("LPUSH") == errors and all(s["error"] for s in spans if s["name"] == "LPUSH")
    slow = [s for s in spans if s["name"] == "DEBUG"]
    assert len(slow) == 2 and all(s["end"] - s["start"] >= 150_000_000 for s in slow)
    assert "GET" not in names and "SET" not in names, names


def test_the_ratio_holds_over_20000_commands(server, lens_factory):
    # Kept spans of ordinary commands are Binomial(20000, 0.05): mean 1000, sigma 30.8.
    # 5 sigma either side fails by chance about once in 1.7 million runs.
    with OTLPReceiver() as receiver:
        lens = lens_factory(server, "--otlp-endpoint", receiver.endpoint, "--trace-sample-ratio", "0.05",
                            "--trace-keep-slow", "false", *FAST)
        client = lens.client()
        for _ in range(20):
            pipe = client.pipeline(transaction=False)
            for i in range(1000):
                pipe.get(f"key:{i}")
            assert pipe.execute() == [None] * 1000
        mark(client)
        receiver.wait_for_span(lambda s: s["name"] == "ECHO", "the marker span")
        kept = sum(1 for s in receiver.spans() if s["name"] == "GET")
        expo = scrape(lens)
    assert expo.sum("redislens_spans_dropped_total") == 0
    assert 1000 - 154 <= kept <= 1000 + 154, kept


def test_protobuf_and_json_carry_the_same_requests(server, lens_factory, tmp_path):
    """Every batch goes to the endpoint as protobuf and to --otlp-file as JSON: parsed by
    protobuf, the two are the same requests, whatever the commands held."""
    path = tmp_path / "spans.jsonl"
    with OTLPReceiver() as receiver:
        lens = lens_factory(server, "--otlp-endpoint", receiver.endpoint, "--otlp-file", str(path),
                            "--trace-sample-ratio", "1", "--span-query-text", "full", *FAST)
        client = lens.client()
        client.set("k\u00e9\x01\"\\", b"\x00\xff value")
        client.get("k\u00e9\x01\"\\")
        client.get("missing")
        client.set("long:" * 100, "v")
        with pytest.raises(redis.ResponseError):
            client.lpush("long:" * 100, "x")
        pipe = client.pipeline(transaction=True)
        pipe.incr("n").incr("n")
        pipe.execute()
        client.execute_command("SELECT", "3")
        client.execute_command("CONFIG", "GET", "maxmemory")
        mark(client)
        receiver.wait_for_span(lambda s: s["name"] == "ECHO", "the last span")
        wait_until(lambda: any(s["name"] == "ECHO" for s in file_spans(path)), 20, "the last line")
        with receiver.lock:
            sent = [parse_request(r["body"], r["headers"]["Content-Type"])[0] for r in receiver.requests]
    assert all(r["headers"]["Content-Type"] == "application/x-protobuf" for r in receiver.requests)
    written = [parse_request(line)[0] for line in path.read_bytes().splitlines()]
    assert sum(len(r.resource_spans[0].scope_spans[0].spans) for r in sent) >= 12
    assert sorted(r.SerializeToString() for r in sent) == sorted(r.SerializeToString() for r in written)


def test_watch_conflict_is_the_parents_outcome(server, lens_factory, tmp_path):
    path = tmp_path / "spans.jsonl"
    lens = lens_factory(server, "--otlp-file", str(path), "--trace-sample-ratio", "1", *FAST)
    client, other = lens.client(), lens.client()
    with client.pipeline() as pipe:
        pipe.watch("w")
        other.set("w", "changed")
        pipe.multi()
        pipe.get("w")
        with pytest.raises(redis.WatchError):
            pipe.execute()
    spans = wait_until(lambda: (s := file_spans(path)) and any(x["name"] == "MULTI" for x in s) and s, 20,
                       "the transaction's spans")
    parent = next(s for s in spans if s["name"] == "MULTI")
    assert parent["attributes"]["redis.transaction.outcome"] == "watch_conflict"
    children = [s for s in spans if s["parent"] == parent["span_id"]]
    assert [c["name"] for c in children] == ["GET", "EXEC"]
    assert "redis.cache.hit" not in children[0]["attributes"]  # it never ran


def test_multi_exec_is_one_parent_and_pipelines_are_separate(server, lens_factory, tmp_path):
    path = tmp_path / "spans.jsonl"
    lens = lens_factory(server, "--otlp-file", str(path), "--trace-sample-ratio", "1", *FAST)
    client = lens.client()
    pipe = client.pipeline(transaction=True)
    pipe.set("a", "1").incr("b").get("a")
    assert pipe.execute() == [True, 1, b"1"]
    pipe = client.pipeline(transaction=False)
    pipe.set("c", "1").get("c")
    assert pipe.execute() == [True, b"1"]
    client.execute_command("SELECT", "3")
    client.set("in3", "x")
    client.execute_command("RESET")
    client.set("in0", "x")
    spans = wait_until(lambda: (s := file_spans(path)) and any(x["attributes"].get("db.query.text") == "SET in0 ?"
                                                                for x in s) and s, 20, "the last span in the file")
    parent = next(s for s in spans if s["name"] == "MULTI")
    children = [s for s in spans if s["parent"] == parent["span_id"]]
    assert [c["name"] for c in children] == ["SET", "INCRBY", "GET", "EXEC"]  # redis-py sends INCRBY
    assert all(c["trace_id"] == parent["trace_id"] for c in children)
    assert parent["attributes"]["db.operation.batch.size"] == 3
    assert parent["attributes"]["redis.transaction.outcome"] == "exec"
    # Children carry their own element of EXEC's reply: GET a found its key.
    assert children[2]["attributes"]["redis.cache.hit"] is True
    assert children[1]["attributes"]["redis.response.size"] == len(b":1\r\n")
    assert parent["start"] <= children[0]["start"] and children[-1]["end"] <= parent["end"]
    burst = [s for s in spans if s["attributes"].get("db.query.text") in ("SET c ?", "GET c")]
    assert len(burst) == 2 and all(s["parent"] == "" for s in burst) and burst[0]["trace_id"] != burst[1]["trace_id"]
    namespace = {s["attributes"]["db.query.text"]: s["attributes"]["db.namespace"] for s in spans
                 if s["attributes"].get("db.query.text") in ("SET in3 ?", "SET in0 ?")}
    assert namespace == {"SET in3 ?": "3", "SET in0 ?": "0"}
    # What the spans say is where the keys really went: RESET put the client in db 0.
    direct = server.client()
    assert direct.exists("in0") == 1
    direct.execute_command("SELECT", "3")
    assert direct.exists("in3") == 1


PASSWORD = "Upstream-Pw-7f3a9c"
USER_PASSWORD = "App-User-Pw-2b8e1d"
OTHER_PASSWORD = "Master-Auth-Pw-5c4d0e"
HASHED = hashlib.sha256(b"Hashed-Pw-9a1b2c").hexdigest()
SECRETS = [PASSWORD, USER_PASSWORD, OTHER_PASSWORD, HASHED, "Hashed-Pw-9a1b2c"]


def secret_traffic(raw, server):
    raw.command("AUTH", PASSWORD)
    raw.command("AUTH", "default", PASSWORD)
    raw.command("AUTH", "default", OTHER_PASSWORD)  # WRONGPASS: an error span, always kept
    raw.command("HELLO", "3", "AUTH", "default", PASSWORD)
    raw.command("HELLO", "2", "AUTH", "default", USER_PASSWORD)
    raw.command("ACL", "SETUSER", "app", "on", ">" + USER_PASSWORD, "#" + HASHED, "~*", "+@all")
    raw.command("AUTH", "app", USER_PASSWORD)
    raw.command("CONFIG", "SET", "masterauth", OTHER_PASSWORD)
    raw.command("CONFIG", "SET", "requirepass", PASSWORD)
    raw.command("SET", "mk", "v")
    raw.command("MIGRATE", LOOPBACK, str(server.port), "nokey", "0", "1000", "AUTH", PASSWORD)
    raw.command("MIGRATE", LOOPBACK, str(server.port), "nokey", "0", "1000", "AUTH2", "app", USER_PASSWORD)
    raw.command(USER_PASSWORD)  # a password sent by mistake as a command: span OTHER
    raw.command("ECHO")  # the end marker: an error, so always kept


@pytest.mark.parametrize("mode", ["sanitized", "full", "none"])
def test_secrets_never_appear_in_spans_logs_or_metrics(redis_factory, lens_factory, tmp_path, mode):
    server = redis_factory(password=PASSWORD)
    path = tmp_path / "spans.jsonl"
    with OTLPReceiver() as receiver:
        lens = lens_factory(server, "--otlp-endpoint", receiver.endpoint, "--otlp-file", str(path),
                            "--span-query-text", mode, "--trace-sample-ratio", "1", "--slow-threshold", "0",
                            "--log-level", "trace", "--log-format", "json", *FAST)
        with lens.raw() as raw:
            secret_traffic(raw, server)
        receiver.wait_for_span(lambda s: s["name"] == "ECHO", "the last span")
        spans = receiver.spans()
        exported = b"".join(receiver.bodies()) + path.read_bytes()
        pages = [lens.http(p)[1] for p in ("/metrics", "/stats", "/slowlog")]
        assert lens.stop() == 0
    names = [s["name"] for s in spans]
    assert names.count("AUTH") == 4 and names.count("MIGRATE") == 2 and "ACL SETUSER" in names
    assert "CONFIG SET" in names and "HELLO" in names and "OTHER" in names
    assert any(s["error"] for s in spans if s["name"] == "AUTH")
    everything = exported + lens.logs() + "".join(pages).encode()
    for secret in SECRETS:
        assert secret.encode() not in everything, f"{secret!r} leaked ({mode})"
