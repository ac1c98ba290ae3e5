#!/usr/bin/env bash
# Measures what spans cost: runs the same redis-benchmark suite through three redis-lens
# processes (release build) in front of one redis-server: "off" (no OTLP endpoint, so no
# span code runs), "r0.01" (--trace-sample-ratio 0.01) and "r1" (ratio 1.0), both
# exporting to a local OTLP/HTTP sink that only counts the spans it receives
# (Benchmarks/otlp-count-sink.c, compiled here). OTLP_PROTOCOL=http/json exports JSON
# instead of the default protobuf. Rotates the order every round and prints each test's
# median requests/s, the ratios to "off" (of the medians, and round by round), the spans
# per second that reached the sink during the "r1" runs (median), each proxy's CPU per
# command over all its runs, and the exporters' span counters (exported, dropped).
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
sink_dir=
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    [ -z "$sink_dir" ] || rm -rf "$sink_dir"
}
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
# proxies and Redis share: Benchmarks/otlp-count-sink.c answers 200 in one write with
# TCP_NODELAY and counts spans without parsing them (a Python sink took 1-2% of this
# 2-core machine at 57k spans/s). GET answers the count so far.
sink_dir=$(mktemp -d)
"$(command -v clang || command -v cc)" -O2 -pthread -o "$sink_dir/otlp-count-sink" Benchmarks/otlp-count-sink.c
"$sink_dir/otlp-count-sink" "$sink_port" &
pids+=($!)
for _ in $(seq 1 100); do curl -s "http://127.0.0.1:$sink_port/" >/dev/null && break; sleep 0.05; done

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
off_port=$port off_admin=$admin off_pid=${pids[-1]}
export REDIS_LENS_OTLP_PROTOCOL=${OTLP_PROTOCOL:-http/protobuf}
start_proxy --otlp-endpoint "http://127.0.0.1:$sink_port" --trace-sample-ratio 0.01
low_port=$port low_admin=$admin low_pid=${pids[-1]}
start_proxy --otlp-endpoint "http://127.0.0.1:$sink_port" --trace-sample-ratio 1
all_port=$port all_admin=$admin all_pid=${pids[-1]}

run() { redis-benchmark -p "$1" -q "${@:2}" 2>/dev/null | tr '\r' '\n' | grep -E '^[A-Za-z_ ()0-9]+: [0-9.]+ requests per second' ; }
sink_count() { curl -s "http://127.0.0.1:$sink_port/"; }
now() { date +%s.%N; }
# The proxy's CPU (user + system clock ticks) and the commands it answered: their ratio
# over a target's runs moves far less with the machine's state than requests/s does.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
commands() { curl -s "http://127.0.0.1:$1/metrics" | awk '/^redislens_commands_total[{ ]/ {sum += $NF} END {printf "%d\n", sum}'; }
results=$(mktemp)
rates=$(mktemp)
cpu=$(mktemp)
orders=("off r0.01 r1" "r0.01 r1 off" "r1 off r0.01")
for round in $(seq 1 "$rounds"); do
    for target in ${orders[$(((round - 1) % 3))]}; do
        case $target in
            off) port=$off_port admin=$off_admin pid=$off_pid ;;
            r0.01) port=$low_port admin=$low_admin pid=$low_pid ;;
            r1) port=$all_port admin=$all_admin pid=$all_pid ;;
        esac
        before=$(sink_count) started=$(now) ticks=$(cpu_ticks "$pid") answered=$(commands "$admin")
        run "$port" "$@" | sed -E "s/^([A-Za-z_ ()0-9]+): ([0-9.]+) requests per second.*/$target \1 \2/" >>"$results"
        echo "$target $(($(cpu_ticks "$pid") - ticks)) $(($(commands "$admin") - answered))" >>"$cpu"
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
# Each round's own ratios (its runs sit within seconds of each other, so they share the
# machine's state better than the medians do).
for test, by in rows.items():
    for target in ("r0.01", "r1"):
        ratios = [run / off for run, off in zip(by[target], by["off"])]
        print(f"{test} {target}/off per round: {' '.join(f'{r:.3f}' for r in ratios)}"
              f" (median {statistics.median(ratios):.3f})")
PY
python3 - "$rates" <<'PY'
import statistics, sys
rates = [(int(after) - int(before)) / (float(end) - float(start))
         for before, after, start, end in (line.split() for line in open(sys.argv[1]))]
print(f"r1: spans/s reaching the sink during the runs: median {statistics.median(rates):.0f} "
      f"(runs: {', '.join(f'{r:.0f}' for r in rates)})")
PY
python3 - "$cpu" "$(getconf CLK_TCK)" <<'PY'
import collections, sys
ticks, answered = collections.Counter(), collections.Counter()
for line in open(sys.argv[1]):
    target, used, count = line.split()
    ticks[target] += int(used)
    answered[target] += int(count)
per = {t: ticks[t] / int(sys.argv[2]) / answered[t] * 1e6 for t in ticks if answered[t]}
print("proxy CPU per command, all rounds: " + ", ".join(
    f"{t} {per[t]:.3f} µs" + (f" (+{per[t] - per['off']:.3f})" if t != "off" else "")
    for t in ("off", "r0.01", "r1") if t in per))
PY
for name in r0.01 r1; do
    case $name in r0.01) admin=$low_admin ;; r1) admin=$all_admin ;; esac
    echo "$name: $(curl -s "http://127.0.0.1:$admin/metrics" | grep -E '^redislens_spans_(exported|dropped)_total' | tr '\n' ' ')"
done
rm -f "$results" "$rates" "$cpu"
