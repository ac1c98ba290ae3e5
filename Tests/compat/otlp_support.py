"""An OTLP/HTTP receiver for tests, and a strict reader of OTLP trace requests.

The receiver is a real HTTP server (python's http.server in a thread) on a loopback
port. A protobuf body (`application/x-protobuf`, the default) is parsed by protobuf into
`ExportTraceServiceRequest` and must serialize back to exactly its bytes (every field
known, in field order, lengths minimal). A JSON body (`application/json`) is checked
against the OTLP/JSON rules (lowerCamelCase names, ids as lowercase hex, enums as
integers, 64-bit integers as strings) and then parsed by protobuf's own JSON parser,
after the hex ids are converted to base64 as the OTLP specification says for that step.
"""

import base64
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from google.protobuf import json_format
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.trace.v1.trace_pb2 import Span, Status

from conftest import LOOPBACK, wait_until

PROTOBUF = "application/x-protobuf"
HEX_ID = {"traceId": re.compile(r"^[0-9a-f]{32}$"), "spanId": re.compile(r"^[0-9a-f]{16}$"),
          "parentSpanId": re.compile(r"^[0-9a-f]{16}$")}


class OTLPReceiver:
    """Collects POSTed bodies; `respond(index, body)` picks (status, headers, body) per request.

    Answers are JSON unless the headers name another Content-Type; without `respond`, every
    request gets an empty success in its own encoding (`{}`, or no bytes for protobuf)."""

    def __init__(self, respond=None):
        self.respond = respond
        self.requests = []  # dicts: time, path, headers, body
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver.lock:
                    index = len(receiver.requests)
                    receiver.requests.append({"time": time.monotonic(), "path": self.path,
                                              "headers": dict(self.headers), "body": body})
                if receiver.respond:
                    status, headers, reply = receiver.respond(index, body)
                elif self.headers.get("Content-Type") == PROTOBUF:
                    status, headers, reply = 200, {"Content-Type": PROTOBUF}, b""
                else:
                    status, headers, reply = 200, {}, b"{}"
                self.send_response(status)
                headers = {"Content-Type": "application/json", **headers}
                self.send_header("Content-Length", str(len(reply)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer((LOOPBACK, 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def endpoint(self):
        return f"http://{LOOPBACK}:{self.server.server_address[1]}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def bodies(self):
        with self.lock:
            return [request["body"] for request in self.requests]

    def spans(self):
        """Every span of every request received so far, parsed strictly."""
        with self.lock:
            requests = list(self.requests)
        return [span for r in requests for span in parse_request(r["body"], r["headers"].get("Content-Type"))[1]]

    def wait_for_span(self, predicate, what, timeout=20):
        return wait_until(lambda: [s for s in self.spans() if predicate(s)], timeout, what)


def _check_json_rules(node, where="$"):
    """Field names are lowerCamelCase; ids are lowercase hex; kinds and codes are integers."""
    if isinstance(node, dict):
        for key, value in node.items():
            assert "_" not in key, f"{where}: field {key!r} is not lowerCamelCase"
            if key in HEX_ID:
                assert HEX_ID[key].match(value), f"{where}.{key}: {value!r} is not lowercase hex of the right length"
            if key in ("kind", "code"):
                assert isinstance(value, int), f"{where}.{key}: enum {value!r} is not an integer"
            if key in ("intValue", "startTimeUnixNano", "endTimeUnixNano"):
                assert isinstance(value, str) and re.match(r"^-?[0-9]+$", value), \
                    f"{where}.{key}: 64-bit integer {value!r} is not a decimal string"
            _check_json_rules(value, f"{where}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            _check_json_rules(value, f"{where}[{index}]")


def _hex_ids_to_base64(node):
    if isinstance(node, dict):
        return {key: (base64.b64encode(bytes.fromhex(value)).decode() if key in HEX_ID else _hex_ids_to_base64(value))
                for key, value in node.items()}
    if isinstance(node, list):
        return [_hex_ids_to_base64(value) for value in node]
    return node


def _value(any_value):
    kind = any_value.WhichOneof("value")
    return getattr(any_value, kind) if kind else None


def parse_request(body, content_type=None):
    """(ExportTraceServiceRequest, [span dicts]) from one OTLP body, protobuf or JSON (told
    apart by the first byte, which must agree with `content_type` when given); fails on any
    deviation."""
    is_json = body[:1] == b"{"
    if content_type is not None:
        assert content_type == ("application/json" if is_json else PROTOBUF), \
            f"a {'JSON' if is_json else 'protobuf'} body sent as {content_type}"
    if is_json:
        document = json.loads(body)
        _check_json_rules(document)
        request = json_format.Parse(json.dumps(_hex_ids_to_base64(document)), ExportTraceServiceRequest())
    else:
        request = ExportTraceServiceRequest.FromString(body)
        assert request.SerializeToString() == body, "not protobuf's own encoding of the request"
    spans = []
    for resource_spans in request.resource_spans:
        resource = {a.key: _value(a.value) for a in resource_spans.resource.attributes}
        for scope_spans in resource_spans.scope_spans:
            for span in scope_spans.spans:
                assert span.kind == Span.SPAN_KIND_CLIENT, span
                assert span.start_time_unix_nano <= span.end_time_unix_nano, span
                spans.append({
                    "name": span.name, "trace_id": span.trace_id.hex(), "span_id": span.span_id.hex(),
                    "parent": span.parent_span_id.hex(), "start": span.start_time_unix_nano,
                    "end": span.end_time_unix_nano, "error": span.status.code == Status.STATUS_CODE_ERROR,
                    "attributes": {a.key: _value(a.value) for a in span.attributes},
                    "resource": resource, "scope": (scope_spans.scope.name, scope_spans.scope.version),
                })
    return request, spans


def file_spans(path):
    """The spans of an --otlp-file (one request per line), parsed strictly."""
    try:
        with open(path, "rb") as f:
            lines = f.read().splitlines()
    except FileNotFoundError:
        return []
    return [span for line in lines for span in parse_request(line)[1]]
