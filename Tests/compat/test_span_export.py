"""The OTLP exporter: retries only on 429/502/503/504 and connection errors (honouring
Retry-After), 400 and partial success logged and counted but not retried, a dead
endpoint costs dropped spans (counted) but never blocks or grows the proxy, the last
spans are sent on shutdown, and promtool accepts the exporter's metrics."""

import json
import signal
import time

import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (ExportTracePartialSuccess,
                                                                      ExportTraceServiceResponse)

from conftest import free_port, wait_until
from metrics_support import promtool_check, scrape
from otlp_support import PROTOBUF, OTLPReceiver, parse_request

FAST = ("--otlp-flush-interval", "0.05", "--trace-sample-ratio", "1")


def span_ids(body):
    return {span["span_id"] for span in parse_request(body)[1]}


def test_503_with_retry_after_is_retried_after_that_delay(server, lens_factory):
    def respond(index, body):
        return (503, {"Retry-After": "1"}, b"{}") if index == 0 else (200, {}, b"{}")

    def retry_of(first):
        # Another batch may go out while the refused one waits (several requests in flight).
        return next((r for r in receiver.requests[1:] if span_ids(r["body"]) == span_ids(first["body"])), None)

    def delivered():
        return set().union(*(span_ids(r["body"]) for r in receiver.requests[1:]))

    with OTLPReceiver(respond) as receiver:
        lens = lens_factory(server, "--otlp-endpoint", receiver.endpoint, *FAST)
        lens.client().set("k", "v")
        wait_until(lambda: receiver.requests and retry_of(receiver.requests[0]), 20, "the retried request")
        first = receiver.requests[0]
        second = retry_of(first)
        expo = wait_until(lambda: (e := scrape(lens)).get("redislens_spans_exported_total") == len(delivered()) and e,
                          10, "the retried spans counted as exported")
    assert span_ids(first["body"])
    assert second["time"] - first["time"] >= 0.9, "Retry-After: 1 was not honoured"
    assert expo.get("redislens_otlp_export_errors_total", status="503") == 1
    assert expo.get("redislens_spans_dropped_total", reason="export_failed") == 0
    assert span_ids(first["body"]) <= delivered()


def protobuf_status(code, message):
    """A google.rpc.Status (code = 1, message = 2), as protobuf writes it."""
    text = message.encode()
    return bytes([0x08, code, 0x12, len(text)]) + text


@pytest.mark.parametrize("protocol", ["http/protobuf", "http/json"])
def test_400_and_partial_success_are_not_retried_and_logged_once(server, lens_factory, protocol):
    def respond(index, body):
        if protocol == "http/json":
            if index % 2 == 0:
                return 400, {}, json.dumps({"code": 3, "message": "bad request body"}).encode()
            return 200, {}, json.dumps({"partialSuccess": {"rejectedSpans": "1", "errorMessage": "too old"}}).encode()
        answer = {"Content-Type": PROTOBUF}
        if index % 2 == 0:
            return 400, answer, protobuf_status(3, "bad request body")
        partial = ExportTracePartialSuccess(rejected_spans=1, error_message="too old")
        return 200, answer, ExportTraceServiceResponse(partial_success=partial).SerializeToString()

    with OTLPReceiver(respond) as receiver:
        lens = lens_factory(server, "--otlp-endpoint", receiver.endpoint, "--otlp-protocol", protocol, *FAST)
        client = lens.client()
        for i in range(6):  # one request each: every batch is sent before the next command
            client.set(f"k{i}", i)
            wait_until(lambda: len(receiver.requests) > i, 20, f"request {i + 1}")
        bodies = receiver.bodies()
        ids = [span_ids(body) for body in bodies]
        refused = sum(len(ids[n]) for n in range(0, 6, 2))  # the 400s: every span dropped
        accepted = sum(len(ids[n]) for n in range(1, 6, 2))  # the partial successes: one span rejected each
        # Up to four requests are in flight, so their answers may be counted in any order;
        # each is counted, then logged.
        def settled():
            e = scrape(lens)
            logs = lens.logs().decode()
            done = (e.get("redislens_spans_dropped_total", reason="rejected") == 3
                    and e.get("redislens_otlp_export_errors_total", status="400") == 3
                    and e.get("redislens_spans_dropped_total", reason="export_failed") == refused
                    and "OTLP export refused" in logs and "OTLP endpoint rejected spans" in logs)
            return done and e
        expo = wait_until(settled, 10, "every response counted and logged")
    assert len(bodies) == 6 and all(len(a & b) == 0 for n, a in enumerate(ids) for b in ids[n + 1:]), \
        "a span was sent twice: a 400 or a partial success was retried"
    assert expo.get("redislens_otlp_export_errors_total", status="400") == 3
    assert expo.get("redislens_spans_dropped_total", reason="export_failed") == refused
    assert expo.get("redislens_spans_exported_total") == accepted - 3
    logs = lens.logs().decode()
    assert logs.count("OTLP export refused") == 1 and logs.count("OTLP endpoint rejected spans") == 1
    assert "bad request body" in logs and "too old" in logs


def test_a_dead_endpoint_drops_and_counts_without_blocking_or_growing(server, lens_factory):
    dead = f"http://127.0.0.1:{free_port()}"  # nothing listens there: connection refused
    lens = lens_factory(server, "--otlp-endpoint", dead, "--otlp-max-queue", "1000", "--otlp-batch-size", "100",
                        *FAST)
    client = lens.client()

    def burst(rounds):
        for _ in range(rounds):
            pipe = client.pipeline(transaction=False)
            for i in range(1000):
                pipe.set(f"k{i}", "x" * 100)
            assert pipe.execute() == [True] * 1000

    burst(20)
    expo = wait_until(lambda: (e := scrape(lens)).get("redislens_otlp_export_errors_total", status="connection")
                      and e, 20, "a failed export")
    rss_before = lens.rss()
    burst(100)  # 100,000 spans at ratio 1 against a queue of 1,000
    expo = scrape(lens)
    rss_after = lens.rss()
    assert expo.get("redislens_spans_dropped_total", reason="queue_full") >= 90_000
    assert expo.get("redislens_spans_exported_total") == 0
    assert expo.get("redislens_commands_total", command="set", category="write") == 120_000
    # Kept spans of 100,000 commands would take well over 100 MB; the bounded queue holds ~1 MB.
    assert rss_after - rss_before < 32 * 1024 * 1024, (rss_before, rss_after)
    # Nor does it hold the shutdown: a refused connect fails the request at once (the
    # exporter's retry policy decides), not after the HTTP client's own connect retries,
    # which kept every request in flight for its 10 s connect timeout.
    started = time.monotonic()
    assert lens.stop(signal.SIGTERM) == 0
    assert time.monotonic() - started < 8


def test_the_last_spans_are_sent_on_shutdown(server, lens_factory):
    with OTLPReceiver() as receiver:
        lens = lens_factory(server, "--otlp-endpoint", receiver.endpoint, "--trace-sample-ratio", "1",
                            "--otlp-flush-interval", "3600")
        client = lens.client()
        for i in range(10):
            client.set(f"k{i}", i)
        assert receiver.requests == []
        assert lens.stop(signal.SIGTERM) == 0
        spans = receiver.spans()
    assert [s["name"] for s in spans].count("SET") == 10


def test_promtool_accepts_the_exporter_metrics(server, lens_factory):
    def respond(index, body):
        return (503, {}, b"{}") if index == 0 else (200, {}, b"{}")

    with OTLPReceiver(respond) as receiver:
        lens = lens_factory(server, "--otlp-endpoint", receiver.endpoint, *FAST)
        lens.client().set("k", "v")
        expo = wait_until(lambda: (e := scrape(lens)).get("redislens_spans_exported_total") and e, 20,
                          "an export")
        code, output = promtool_check(scrape(lens).text)
        assert code == 0 and output == [], output
        assert scrape(lens, openmetrics=True).get("redislens_spans_exported_total") >= 1  # parses strictly
    for family in ("redislens_spans_exported_total", "redislens_spans_dropped_total",
                   "redislens_otlp_export_duration_seconds_count", "redislens_otlp_export_errors_total"):
        assert expo.series(family), family
