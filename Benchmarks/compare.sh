#!/usr/bin/env bash
# Compares, in one interleaved run on loopback, Redis directly ("direct") with four proxies
# in front of the same redis-server: haproxy in `mode tcp` with one thread (a pure byte
# relay), twemproxy (Debian's nutcracker, server_connections: 1; it parses every command),
# redis-lens with all telemetry on ("lens") and redis-lens --no-telemetry ("lens-bare").
#
# Every round runs each test of each redis-benchmark suite against every target, rotating
# the target order per round (A B C, B C A, ...), and reads each proxy's CPU time (utime +
# stime from /proc/PID/stat) around its run. Then redis-proxy-bench runs its workloads
# against all targets (it interleaves them itself). With --memory it also measures
# redis-lens's RSS with 1,000 idle client connections and over a long -P 16 run. It prints
# Markdown tables and a check of the performance goal, and stops exactly the processes it
# started. With --save DIR it also writes the run's raw numbers to
# DIR/compare-<UTC start, YYYYMMDDTHHMMZ>-<short commit>.json (compare_report.py --load FILE
# prints the tables again from it).
#
#   Benchmarks/compare.sh [--rounds N] [-n REQUESTS] [--suite 'ARGS']... [--skip-proxy-bench]
#                         [--memory] [--memory-seconds S] [--save DIR]
#   Benchmarks/compare.sh --rounds 5 -n 400000 --memory --save Benchmarks/results
#   Benchmarks/compare.sh --suite '-t lpush,lpop,incr,mset -c 50 -P 16' --skip-proxy-bench
set -euo pipefail
caller=$PWD
cd "$(dirname "$0")/.."

usage() {
    cat <<'EOF'
usage: Benchmarks/compare.sh [--rounds N] [-n REQUESTS] [--suite 'ARGS']... [--skip-proxy-bench]
                             [--memory] [--memory-seconds S] [--save DIR]
  --rounds N          rounds; each runs every suite against every target (default 3)
  -n REQUESTS         requests per test of the -P 16 suite; -P 1 uses a quarter, -c 1 a twentieth,
                      redis-proxy-bench workloads the same (default 200000)
  --suite 'ARGS'      run this redis-benchmark suite (-n REQUESTS per test) instead of the default
                      ones; repeat for several, e.g. --suite '-t lpush,lpop,mset -c 50 -P 16'
  --skip-proxy-bench  skip the redis-proxy-bench workloads
  --memory            also measure redis-lens RSS: 1000 idle connections, and under -P 16 load
  --memory-seconds S  length of the load for the RSS check (default 60)
  --save DIR          also write the raw numbers (per round, target and test) as JSON to
                      DIR/compare-YYYYMMDDTHHMMZ-COMMIT.json (UTC start, short git commit)
EOF
}
fail_usage() {
    echo "compare.sh: $1" >&2
    exit 2
}

rounds=3
requests=200000
memory=0
memory_seconds=60
custom_suites=()
proxy_bench=1
save_dir=
while [ $# -gt 0 ]; do
    case $1 in
    --rounds) [ $# -ge 2 ] || fail_usage "--rounds needs a value"; rounds=$2; shift 2 ;;
    -n) [ $# -ge 2 ] || fail_usage "-n needs a value"; requests=$2; shift 2 ;;
    --suite)
        [ $# -ge 2 ] || fail_usage "--suite needs a value"
        [[ " $2 " =~ \ -(n|h|p|-csv)\  ]] && fail_usage "invalid --suite: '$2' sets -n, -h, -p or --csv, which compare.sh sets"
        custom_suites+=("$2")
        shift 2
        ;;
    --skip-proxy-bench) proxy_bench=0; shift ;;
    --memory) memory=1; shift ;;
    --memory-seconds) [ $# -ge 2 ] || fail_usage "--memory-seconds needs a value"; memory_seconds=$2; shift 2 ;;
    --save) [ $# -ge 2 ] && [ -n "$2" ] || fail_usage "--save needs a folder"; save_dir=$2; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) fail_usage "unknown argument '$1' (see --help)" ;;
    esac
done
[[ $rounds =~ ^[1-9][0-9]{0,2}$ ]] || fail_usage "invalid --rounds: '$rounds' is not a whole number in 1...999"
[[ $requests =~ ^[0-9]+$ ]] && [ "$requests" -ge 2000 ] ||
    fail_usage "invalid -n: '$requests' is not a whole number of at least 2000"
[[ $memory_seconds =~ ^[1-9][0-9]*$ ]] || fail_usage "invalid --memory-seconds: '$memory_seconds' is not a whole number"

# The run's name: its UTC start and the commit it was built from ("-dirty" when the work tree
# differs from it), so saved runs sort by time and say what they measured.
start=$(date +%s)
started=$(date -u -d "@$start" +%Y-%m-%dT%H:%M:%SZ)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ "$commit" != unknown ] && ! git diff --quiet HEAD -- 2>/dev/null; then commit+=-dirty; fi
save_file=
if [ -n "$save_dir" ]; then
    [[ $save_dir = /* ]] || save_dir="$caller/$save_dir"
    mkdir -p "$save_dir" 2>/dev/null && [ -w "$save_dir" ] || fail_usage "invalid --save: cannot write to '$save_dir'"
    save_file="$save_dir/compare-$(date -u -d "@$start" +%Y%m%dT%H%MZ)-$commit.json"
fi

need() {
    command -v "$1" >/dev/null 2>&1 || {
        echo "compare.sh: '$1' is missing; install it with: apt-get install -y $2" >&2
        exit 1
    }
}
need redis-server redis-server
need redis-cli redis-tools
need redis-benchmark redis-tools
need haproxy haproxy
need nutcracker nutcracker
need python3 python3

echo "building redis-lens and redis-proxy-bench (release, as scripts/build-release.sh)..." >&2
scripts/build-release.sh redis-lens >/dev/null
scripts/build-release.sh redis-proxy-bench >/dev/null
bin=$(swift build -c release --show-bin-path)

ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
tmp=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_ready() { # port name
    for _ in $(seq 1 400); do
        [ "$(redis-cli -p "$1" ping 2>/dev/null)" = PONG ] && return
        sleep 0.05
    done
    echo "compare.sh: $2 did not answer PING on port $1; logs in $tmp" >&2
    exit 1
}
cpu_ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

names=()
ports=()
procs=()
add_target() { names+=("$1"); ports+=("$2"); procs+=("$3"); }

redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --dir "$tmp" \
    --logfile "$tmp/redis.log" --maxclients 10000 >/dev/null 2>&1 &
pids+=($!)
add_target direct "$redis_port" $!
wait_ready "$redis_port" redis-server

haproxy_port=$(free_port)
cat >"$tmp/haproxy.cfg" <<EOF
global
    nbthread 1
    maxconn 4000
defaults
    mode tcp
    timeout connect 5s
    timeout client 1h
    timeout server 1h
frontend relay
    bind 127.0.0.1:$haproxy_port
    default_backend redis
backend redis
    server redis 127.0.0.1:$redis_port
EOF
haproxy -db -f "$tmp/haproxy.cfg" >"$tmp/haproxy.log" 2>&1 &
pids+=($!)
add_target haproxy "$haproxy_port" $!
wait_ready "$haproxy_port" haproxy

twem_port=$(free_port)
cat >"$tmp/nutcracker.yml" <<EOF
bench:
  listen: 127.0.0.1:$twem_port
  redis: true
  hash: fnv1a_64
  distribution: ketama
  auto_eject_hosts: false
  server_connections: 1
  servers:
    - 127.0.0.1:$redis_port:1
EOF
nutcracker -c "$tmp/nutcracker.yml" -s "$(free_port)" -a 127.0.0.1 -o "$tmp/nutcracker.log" >/dev/null 2>&1 &
pids+=($!)
add_target twemproxy "$twem_port" $!
wait_ready "$twem_port" twemproxy

# One event-loop thread, as haproxy's nbthread 1: the same conditions for both (by default
# redis-lens runs a loop per core; see Benchmarks/README.md).
start_lens() { # name [flags...]
    local name=$1 port
    shift
    port=$(free_port)
    "$bin/redis-lens" --listen "127.0.0.1:$port" --admin-listen "127.0.0.1:$(free_port)" \
        --upstream "redis://127.0.0.1:$redis_port" --log-level warning --threads 1 "$@" >"$tmp/$name.log" 2>&1 &
    pids+=($!)
    add_target "$name" "$port" $!
    wait_ready "$port" "$name"
}
start_lens lens
start_lens lens-bare --no-telemetry

results="$tmp/results.tsv"
: >"$results"
# label|requests per test|redis-benchmark arguments
suites=(
    "-t set,get -c 50 -P 16|$requests|-t set,get -c 50 -P 16"
    "-t set,get -c 50 -P 1|$((requests / 4))|-t set,get -c 50 -P 1"
    "-t get -c 1|$((requests / 20))|-t get -c 1"
)
if [ ${#custom_suites[@]} -gt 0 ]; then
    suites=()
    for suite in "${custom_suites[@]}"; do suites+=("$suite|$requests|$suite"); done
fi
count=${#names[@]}
invocation=0
# Each test of a suite runs on its own against every target in turn, in the order `-t` names
# them (`-t set,get`: SET, so that the GETs then hit), so the runs a ratio pairs are seconds
# apart, not a whole suite per target apart.
for round in $(seq 0 $((rounds - 1))); do
    for suite in "${suites[@]}"; do
        IFS='|' read -r label n rest <<<"$suite"
        read -r -a args <<<"$rest"
        tests=("")
        for ((i = 0; i < ${#args[@]} - 1; i++)); do
            [ "${args[$i]}" = "-t" ] && IFS=',' read -r -a tests <<<"${args[$((i + 1))]}"
        done
        for test in "${tests[@]}"; do
            run_args=("${args[@]}")
            for ((i = 0; i < ${#run_args[@]} - 1; i++)); do
                [ "${run_args[$i]}" = "-t" ] && run_args[$((i + 1))]=$test
            done
            for position in $(seq 0 $((count - 1))); do
                index=$(((round + position) % count))
                name=${names[$index]}
                echo "round $((round + 1))/$rounds: redis-benchmark ${run_args[*]} -> $name" >&2
                before=$(cpu_ticks "${procs[$index]}")
                redis-benchmark -h 127.0.0.1 -p "${ports[$index]}" --csv -n "$n" "${run_args[@]}" 2>/dev/null |
                    tr '\r' '\n' | grep -E '^"[A-Z]' >"$tmp/out.csv" || true
                after=$(cpu_ticks "${procs[$index]}")
                lines=$(wc -l <"$tmp/out.csv")
                if [ "$lines" -eq 0 ]; then
                    echo "compare.sh: redis-benchmark ${run_args[*]} against $name printed no result" >&2
                    exit 1
                fi
                # One row per test; CPU ticks and requests cover the whole invocation (all its
                # tests), which the last column numbers.
                invocation=$((invocation + 1))
                while IFS=, read -r name_of_test rps avg _ p50 _; do
                    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$name" "$round" \
                        "${name_of_test//\"/}" "${rps//\"/}" "${avg//\"/}" "${p50//\"/}" "$((after - before))" \
                        "$((n * lines))" "$invocation" >>"$results"
                done <"$tmp/out.csv"
            done
        done
    done
done

target_args=()
for index in $(seq 0 $((count - 1))); do target_args+=(--target "${names[$index]}=127.0.0.1:${ports[$index]}"); done
# label|redis-proxy-bench arguments
workloads=(
    "mixed (90% GET, 80% hits) -c 50 -P 16|--workload mixed --read-ratio 0.9 --hit-ratio 0.8 --connections 50 --pipeline 16 --requests $requests"
    "get (90% hits) -c 50 -P 1|--workload get --hit-ratio 0.9 --connections 50 --pipeline 1 --requests $((requests / 4))"
)
report_args=()
[ "$proxy_bench" = 1 ] || workloads=()
for workload in "${workloads[@]}"; do
    IFS='|' read -r label rest <<<"$workload"
    read -r -a args <<<"$rest"
    echo "redis-proxy-bench $label: $rounds runs per target, interleaved" >&2
    file="$tmp/bench-${#report_args[@]}.json"
    "$bin/redis-proxy-bench" "${target_args[@]}" "${args[@]}" --repeat "$rounds" --warmup 1s --json >"$file"
    report_args+=(--bench "$label=$file")
done

memory_file="$tmp/memory.tsv"
: >"$memory_file"
if [ "$memory" = 1 ]; then
    for index in $(seq 1 $((count - 1))); do
        echo "memory: 1000 idle connections -> ${names[$index]}" >&2
        python3 Benchmarks/idle_connections.py "${names[$index]}" "${ports[$index]}" "${procs[$index]}" 1000 \
            >>"$memory_file"
    done
    lens_index=3
    echo "memory: redis-lens RSS over ${memory_seconds}s of -P 16 load" >&2
    "$bin/redis-proxy-bench" --target "lens=127.0.0.1:${ports[$lens_index]}" --workload mixed --hit-ratio 0.8 \
        --connections 50 --pipeline 16 --duration "${memory_seconds}s" --json >"$tmp/soak.json" &
    soak=$!
    pids+=("$soak")
    started=$(date +%s)
    while kill -0 "$soak" 2>/dev/null; do
        printf 'soak\tlens\t%s\t%s\n' "$(($(date +%s) - started))" "$(rss_kib "${procs[$lens_index]}")" >>"$memory_file"
        sleep 5
    done
    wait "$soak"
fi

command="Benchmarks/compare.sh --rounds $rounds -n $requests"
for suite in "${custom_suites[@]}"; do command+=" --suite '$suite'"; done
[ "$proxy_bench" = 1 ] || command+=" --skip-proxy-bench"
[ "$memory" = 1 ] && command+=" --memory --memory-seconds $memory_seconds"
[ -z "$save_file" ] || report_args+=(--save "$save_file")
python3 Benchmarks/compare_report.py --results "$results" --memory "$memory_file" "${report_args[@]}" \
    --clock-ticks "$(getconf CLK_TCK)" --command "$command" --started "$started" --commit "$commit" \
    --machine "$(date -u +%F), $(nproc) cores, redis-server $(redis-server --version | grep -o 'v=[0-9.]*' | cut -c3-), $(haproxy -v | head -1 | cut -d' ' -f1-3), $(nutcracker --version 2>&1 | head -1 | sed 's/This is //')"
