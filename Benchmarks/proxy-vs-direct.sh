#!/usr/bin/env bash
# Runs the same redis-benchmark suite against Redis directly and through redis-lens
# (release build), alternating the order per round, and prints each test's requests/s
# with the proxy/direct ratio. Starts redis-server and redis-lens on free loopback ports
# and stops exactly what it started.
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

swift build -c release --product redis-lens >/dev/null
bin="$(swift build -c release --show-bin-path)/redis-lens"

redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --logfile /dev/null &
pids+=($!)
proxy_port=$(free_port)
admin_port=$(free_port)
"$bin" --listen "127.0.0.1:$proxy_port" --admin-listen "127.0.0.1:$admin_port" \
    --upstream "redis://127.0.0.1:$redis_port" --log-level warning >/dev/null &
pids+=($!)
for _ in $(seq 1 200); do
    redis-cli -p "$proxy_port" ping >/dev/null 2>&1 && break
    sleep 0.05
done

run() { redis-benchmark -p "$1" -q "${@:2}" 2>/dev/null | tr '\r' '\n' | grep -E '^[A-Z_ ]+: [0-9.]+ requests per second' ; }
results=$(mktemp)
for round in $(seq 1 "$rounds"); do
    if [ $((round % 2)) = 1 ]; then order="direct proxy"; else order="proxy direct"; fi
    for target in $order; do
        port=$redis_port; [ "$target" = proxy ] && port=$proxy_port
        run "$port" "$@" | sed -E "s/^([A-Z_ ]+): ([0-9.]+) requests per second.*/$target \1 \2/" >>"$results"
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
print(f"{'test':<28}{'direct':>12}{'proxy':>12}{'ratio':>8}")
for test, by in rows.items():
    d, p = statistics.median(by["direct"]), statistics.median(by["proxy"])
    print(f"{test:<28}{d:>12.0f}{p:>12.0f}{p / d:>8.2f}")
PY
rm -f "$results"
