#!/usr/bin/env bash
# Measures what spans cost: runs the same redis-benchmark suite through three redis-lens
# processes (release build) in front of one redis-server: "off" (no OTLP endpoint, so no
# span code runs), "r0.01" (--trace-sample-ratio 0.01) and "r1" (ratio 1.0), both
# exporting to a local OTLP/HTTP sink (answering 200 in one write, counting the spans it
# receives). OTLP_PROTOCOL=http/json exports JSON instead of the default protobuf. Rotates the order every round and prints each test's
# median requests/s, the ratios to "off", the spans per second that reached the sink
# during the "r1" runs (median), and the exporters' span counters (exported, dropped).
# Starts everything on free loopback ports and stops exactly what it started.
# REDIS_LENS_BIN=path runs that binary instead of building the release one.
#
#   Benchmarks/spans-overhead.sh [ROUNDS] [redis-benchmark options...]
#   Benchmarks/spans-overhead.sh 5 -t get,set -P 16 -n 400000
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=${1:-3}
shift || true
[ $# -gt 0 ] || set -- -t get,set -P 16 -n 200000

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
trap 'exit 130' INT TERM

bin=${REDIS_LENS_BIN:-}
if [ -z "$bin" ]; then
    scripts/build-release.sh redis-lens >/dev/null
    bin="$(swift build -c release --show-bin-path)/redis-lens"
fi

redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --logfile /dev/null \
    >/dev/null 2>&1 &
pids+=($!)

sink_port=$(free_port)
# The sink must not be what limits the spans per second, nor take much of the CPU the
# proxies and Redis share: it answers in one write with TCP_NODELAY (http.server's headers
# and body in two writes met the exporter's delayed ACK: one request per 40 ms), reads each
# request into one buffer per connection (http.server's buffered reads and copies cost
# about as much CPU as the exporter itself), and counts spans without parsing them: in
# JSON as `"spanId"` occurrences, in protobuf by skipping from one span's length to the
# next. GET answers the count so far.
${SINK_NICE:+nice -n $SINK_NICE} python3 - "$sink_port" <<'PY' &
import socket, sys, threading
spans = 0
lock = threading.Lock()
NEEDLE = b'"spanId"'

def varint(buf, at):
    value = shift = 0
    while True:
        byte = buf[at]
        at += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, at
        shift += 7

def protobuf_spans(buf, start, end, depth=0):
    """Spans in an ExportTraceServiceRequest: field 2 of ScopeSpans (field 2 of
    ResourceSpans, field 1 of the request), counted by skipping over them unparsed."""
    found = 0
    at = start
    while at < end:
        key, at = varint(buf, at)
        if key & 7 == 0:
            _, at = varint(buf, at)
            continue
        if key & 7 == 1 or key & 7 == 5:
            at += 8 if key & 7 == 1 else 4
            continue
        length, at = varint(buf, at)
        field = key >> 3
        if depth == 2 and field == 2:
            found += 1
        elif (depth, field) in ((0, 1), (1, 2)):
            found += protobuf_spans(buf, at, at + length, depth + 1)
        at += length
    return found

def serve(conn):
    global spans
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    buf = bytearray(1 << 21)
    have = 0
    while True:
        end = buf.find(b"\r\n\r\n", 0, have)
        while end < 0:
            if have == len(buf):
                buf.extend(bytes(len(buf)))
            n = conn.recv_into(memoryview(buf)[have:])
            if n == 0:
                return
            have += n
            end = buf.find(b"\r\n\r\n", 0, have)
        head = bytes(buf[:end]).lower()
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip() == b"content-length":
                length = int(value)
        need = end + 4 + length
        if need > len(buf):
            buf.extend(bytes(need - len(buf)))
        while have < need:
            n = conn.recv_into(memoryview(buf)[have:need])
            if n == 0:
                return
            have += n
        if head.startswith(b"post"):
            if b"protobuf" in head:
                found = protobuf_spans(buf, end + 4, need)
                answer = b"Content-Type: application/x-protobuf\r\nContent-Length: 0\r\n\r\n"
            else:
                found = buf.count(NEEDLE, end + 4, need)
                answer = b"Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
            with lock:
                spans += found
            conn.sendall(b"HTTP/1.1 200 OK\r\n" + answer)
        else:
            text = str(spans).encode()
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(text), text))
        buf[: have - need] = buf[need:have]
        have -= need

server = socket.create_server(("127.0.0.1", int(sys.argv[1])))
while True:
    conn, _ = server.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
PY
pids+=($!)

# Starts a proxy (not in a subshell, so its pid is ours to stop); its ports land in $port, $admin.
start_proxy() {
    port=$(free_port)
    admin=$(free_port)
    "$bin" --listen "127.0.0.1:$port" --admin-listen "127.0.0.1:$admin" \
        --upstream "redis://127.0.0.1:$redis_port" --log-level warning "$@" >/dev/null 2>&1 &
    pids+=($!)
    for _ in $(seq 1 200); do
        redis-cli -p "$port" ping >/dev/null 2>&1 && return
        sleep 0.05
    done
    echo "redis-lens did not start" >&2
    exit 1
}
start_proxy
off_port=$port
export REDIS_LENS_OTLP_PROTOCOL=${OTLP_PROTOCOL:-http/protobuf}
start_proxy --otlp-endpoint "http://127.0.0.1:$sink_port" --trace-sample-ratio 0.01
low_port=$port low_admin=$admin
start_proxy --otlp-endpoint "http://127.0.0.1:$sink_port" --trace-sample-ratio 1
all_port=$port all_admin=$admin

run() { redis-benchmark -p "$1" -q "${@:2}" 2>/dev/null | tr '\r' '\n' | grep -E '^[A-Za-z_ ()0-9]+: [0-9.]+ requests per second' ; }
sink_count() { curl -s "http://127.0.0.1:$sink_port/"; }
now() { date +%s.%N; }
results=$(mktemp)
rates=$(mktemp)
orders=("off r0.01 r1" "r0.01 r1 off" "r1 off r0.01")
for round in $(seq 1 "$rounds"); do
    for target in ${orders[$(((round - 1) % 3))]}; do
        case $target in off) port=$off_port ;; r0.01) port=$low_port ;; r1) port=$all_port ;; esac
        before=$(sink_count) started=$(now)
        run "$port" "$@" | sed -E "s/^([A-Za-z_ ()0-9]+): ([0-9.]+) requests per second.*/$target \1 \2/" >>"$results"
        # Spans that reached the sink while the r1 run lasted, per second.
        if [ "$target" = r1 ]; then echo "$before $(sink_count) $started $(now)" >>"$rates"; fi
    done
done

echo "redis-benchmark $* ; $rounds rounds, median requests/s; $REDIS_LENS_OTLP_PROTOCOL; $(nproc) cores; $(date -u +%F)"
python3 - "$results" <<'PY'
import statistics, sys, collections
rows = collections.defaultdict(lambda: collections.defaultdict(list))
for line in open(sys.argv[1]):
    target, rest = line.split(" ", 1)
    test, rps = rest.rsplit(" ", 1)
    rows[test.strip()][target].append(float(rps))
print(f"{'test':<16}{'off':>11}{'r0.01':>11}{'r1':>11}{'r0.01/off':>11}{'r1/off':>9}")
for test, by in rows.items():
    o, l, a = (statistics.median(by[t]) for t in ("off", "r0.01", "r1"))
    print(f"{test:<16}{o:>11.0f}{l:>11.0f}{a:>11.0f}{l / o:>11.3f}{a / o:>9.3f}")
PY
python3 - "$rates" <<'PY'
import statistics, sys
rates = [(int(after) - int(before)) / (float(end) - float(start))
         for before, after, start, end in (line.split() for line in open(sys.argv[1]))]
print(f"r1: spans/s reaching the sink during the runs: median {statistics.median(rates):.0f} "
      f"(runs: {', '.join(f'{r:.0f}' for r in rates)})")
PY
for name in r0.01 r1; do
    case $name in r0.01) admin=$low_admin ;; r1) admin=$all_admin ;; esac
    echo "$name: $(curl -s "http://127.0.0.1:$admin/metrics" | grep -E '^redislens_spans_(exported|dropped)_total' | tr '\n' ' ')"
done
rm -f "$results" "$rates"
