#!/usr/bin/env bash
# Runs the same redis-benchmark suite against Redis directly, through redis-lens with
# telemetry on ("proxy"), and through the same binary with --no-telemetry ("bare"),
# rotating the order per round, and prints each test's median requests/s with the
# ratios proxy/direct, bare/direct and proxy/bare (the cost of telemetry). Starts
# redis-server and both proxies on free loopback ports and stops exactly what it started.
#
#   Benchmarks/proxy-vs-direct.sh [ROUNDS] [redis-benchmark options...]
#   Benchmarks/proxy-vs-direct.sh 3 -t get,set,lpush,lpop,incr,mset -P 16 -n 200000
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=${1:-3}
shift || true
[ $# -gt 0 ] || set -- -t get,set,lpush,lpop,incr,mset -P 16 -n 200000

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
trap 'exit 130' INT TERM

swift build -c release --product redis-lens >/dev/null
bin="$(swift build -c release --show-bin-path)/redis-lens"

redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --logfile /dev/null \
    >/dev/null 2>&1 &
pids+=($!)
# Starts a proxy (not in a subshell, so its pid is ours to stop); its port lands in $port.
start_proxy() {
    port=$(free_port)
    local admin
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
proxy_port=$port
start_proxy --no-telemetry
bare_port=$port

run() { redis-benchmark -p "$1" -q "${@:2}" 2>/dev/null | tr '\r' '\n' | grep -E '^[A-Za-z_ ()0-9]+: [0-9.]+ requests per second' ; }
results=$(mktemp)
orders=("direct proxy bare" "proxy bare direct" "bare direct proxy")
for round in $(seq 1 "$rounds"); do
    for target in ${orders[$(((round - 1) % 3))]}; do
        case $target in direct) port=$redis_port ;; proxy) port=$proxy_port ;; bare) port=$bare_port ;; esac
        run "$port" "$@" | sed -E "s/^([A-Za-z_ ()0-9]+): ([0-9.]+) requests per second.*/$target \1 \2/" >>"$results"
    done
done

echo "redis-benchmark $* ; $rounds rounds, median requests/s; $(nproc) cores; $(date -u +%F)"
python3 - "$results" <<'PY'
import statistics, sys, collections
rows = collections.defaultdict(lambda: collections.defaultdict(list))
for line in open(sys.argv[1]):
    target, rest = line.split(" ", 1)
    test, rps = rest.rsplit(" ", 1)
    rows[test.strip()][target].append(float(rps))
print(f"{'test':<22}{'direct':>11}{'proxy':>11}{'bare':>11}{'proxy/direct':>14}{'bare/direct':>13}{'proxy/bare':>12}")
for test, by in rows.items():
    d, p, b = (statistics.median(by[t]) for t in ("direct", "proxy", "bare"))
    print(f"{test:<22}{d:>11.0f}{p:>11.0f}{b:>11.0f}{p / d:>14.2f}{b / d:>13.2f}{p / b:>12.3f}")
PY
rm -f "$results"
