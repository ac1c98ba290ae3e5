#!/usr/bin/env bash
# Compares, in one interleaved run on loopback, Redis directly ("direct") with four proxies
# in front of the same redis-server: haproxy in `mode tcp` with one thread (a pure byte
# relay), twemproxy (Debian's nutcracker, server_connections: 1; it parses every command),
# redis-lens with all telemetry on ("lens"), the same with hot keys on too ("lens-insight":
# --hotkeys --hotkeys-metrics 20; issue 28) and redis-lens --no-telemetry ("lens-bare").
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
# With --tls it runs the TLS comparison instead (issue 26): a redis-server with only a TLS
# port, redis-benchmark --tls straight to it ("direct-tls"), haproxy terminating and
# originating TLS in `mode tcp` ("haproxy-tls"), and redis-lens with TLS on both sides and
# all telemetry on ("lens-tls"), with a CA and a server certificate (EC P-256) that openssl
# makes in the run's temporary folder.
#
# With --shared it runs the shared-connections comparison instead (issue 30): direct, haproxy,
# twemproxy, redis-lens with dedicated upstream connections ("lens") and with shared ones
# ("lens-shared": --pool-mode shared --shared-connections N), all telemetry on, one thread
# each, at -c 50 -P 1, -c 50 -P 16, -c 1, -c 500 and -c 2000. Besides ops/s and the proxy's
# CPU, each run records Redis's own CPU (utime + stime of redis-server around the run) and
# its connection count (INFO clients' connected_clients, sampled every 0.1 s by one
# background redis-cli, which it includes). COMPARE_LENS_SHARED_FLAGS='FLAGS' replaces
# lens-shared's --pool-mode and --shared-connections flags (to try other settings, or to
# check the script with a redis-lens that has no shared mode); the report's command shows it.
#
#   Benchmarks/compare.sh [--rounds N] [-n REQUESTS] [--suite 'ARGS']... [--skip-proxy-bench]
#                         [--memory] [--memory-seconds S] [--tls] [--shared] [--shared-connections-arg N]
#                         [--bin DIR] [--save DIR]
#   Benchmarks/compare.sh --rounds 5 -n 400000 --memory --save Benchmarks/results
#   Benchmarks/compare.sh --suite '-t lpush,lpop,incr,mset -c 50 -P 16' --skip-proxy-bench
#   Benchmarks/compare.sh --tls --rounds 21 -n 400000 --save Benchmarks/results
#   Benchmarks/compare.sh --shared --rounds 11 -n 400000 --save Benchmarks/results
set -euo pipefail
caller=$PWD
cd "$(dirname "$0")/.."

usage() {
    cat <<'EOF'
usage: Benchmarks/compare.sh [--rounds N] [-n REQUESTS] [--suite 'ARGS']... [--skip-proxy-bench]
                             [--memory] [--memory-seconds S] [--tls] [--shared] [--shared-connections-arg N]
                             [--bin DIR] [--save DIR]
  --rounds N          rounds; each runs every suite against every target (default 3)
  -n REQUESTS         requests per test of the -P 16 suite; -P 1 uses a quarter (--shared: at least
                      100 per client), -c 1 a twentieth, redis-proxy-bench workloads the same (default 200000)
  --suite 'ARGS'      run this redis-benchmark suite (-n REQUESTS per test) instead of the default
                      ones; repeat for several, e.g. --suite '-t lpush,lpop,mset -c 50 -P 16'
  --skip-proxy-bench  skip the redis-proxy-bench workloads
  --memory            also measure redis-lens RSS: 1000 idle connections, and under -P 16 load
  --memory-seconds S  length of the load for the RSS check (default 60)
  --tls               the TLS comparison instead: Redis over TLS directly (direct-tls), haproxy
                      (haproxy-tls) and redis-lens (lens-tls) with TLS on both sides; suites
                      -t set,get -c 50 -P 16 and -P 1 (or --suite's); no redis-proxy-bench, no --memory
  --shared            the shared-connections comparison instead (issue 30): direct, haproxy, twemproxy,
                      lens (dedicated) and lens-shared (--pool-mode shared); suites -t set,get at
                      -c 50 -P 1, -c 50 -P 16, -c 1 -P 1, -c 500 -P 1, -c 2000 -P 1 (or --suite's), with
                      Redis's CPU per request and connection count; no redis-proxy-bench, no --memory
  --shared-connections-arg N
                      lens-shared's --shared-connections (upstream connections per thread; default 1)
  --bin DIR           take redis-lens (and redis-proxy-bench) from DIR instead of building them
                      with scripts/build-release.sh (the run still records the work tree's commit)
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
tls=0
shared=0
shared_connections=1
bin=
prebuilt=0
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
    --tls) tls=1; shift ;;
    --shared) shared=1; shift ;;
    --shared-connections-arg)
        [ $# -ge 2 ] || fail_usage "--shared-connections-arg needs a value"
        shared_connections=$2
        shift 2
        ;;
    --bin) [ $# -ge 2 ] && [ -n "$2" ] || fail_usage "--bin needs a folder"; bin=$2; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) fail_usage "unknown argument '$1' (see --help)" ;;
    esac
done
[[ $rounds =~ ^[1-9][0-9]{0,2}$ ]] || fail_usage "invalid --rounds: '$rounds' is not a whole number in 1...999"
[[ $requests =~ ^[0-9]+$ ]] && [ "$requests" -ge 2000 ] ||
    fail_usage "invalid -n: '$requests' is not a whole number of at least 2000"
[[ $memory_seconds =~ ^[1-9][0-9]*$ ]] || fail_usage "invalid --memory-seconds: '$memory_seconds' is not a whole number"
[ "$tls" = 0 ] || [ "$memory" = 0 ] || fail_usage "--memory measures plaintext connections only; run it without --tls"
[[ $shared_connections =~ ^[1-9][0-9]{0,2}$ ]] ||
    fail_usage "invalid --shared-connections-arg: '$shared_connections' is not a whole number in 1...999"
[ "$tls" = 0 ] || [ "$shared" = 0 ] || fail_usage "--tls and --shared are comparisons of their own; run one at a time"
[ "$shared" = 0 ] || [ "$memory" = 0 ] || fail_usage "--memory is part of the plaintext comparison; run it without --shared"
if [ -n "$bin" ]; then
    [[ $bin = /* ]] || bin="$caller/$bin"
    [ -x "$bin/redis-lens" ] || fail_usage "invalid --bin: '$bin/redis-lens' is not an executable file"
    prebuilt=1
fi
# The TLS comparison has no redis-proxy-bench workloads (redis-proxy-bench speaks plaintext only).
[ "$tls" = 0 ] || proxy_bench=0
# Nor has the shared comparison: its question is Redis's CPU and connections, which only
# redis-benchmark's runs record.
[ "$shared" = 0 ] || proxy_bench=0
# lens-shared's flags: shared mode, or COMPARE_LENS_SHARED_FLAGS's (even empty) instead.
shared_flags=(--pool-mode shared --shared-connections "$shared_connections")
shared_override=0
if [ -n "${COMPARE_LENS_SHARED_FLAGS+set}" ]; then
    read -r -a shared_flags <<<"$COMPARE_LENS_SHARED_FLAGS"
    shared_override=1
fi

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
[ "$tls" = 1 ] || need nutcracker nutcracker
[ "$tls" = 0 ] || need openssl openssl
need python3 python3

if [ -z "$bin" ]; then
    echo "building redis-lens and redis-proxy-bench (release, as scripts/build-release.sh)..." >&2
    scripts/build-release.sh redis-lens >/dev/null
    [ "$proxy_bench" = 0 ] && [ "$memory" = 0 ] || scripts/build-release.sh redis-proxy-bench >/dev/null
    bin=$(swift build -c release --show-bin-path)
fi
lens_help=$("$bin/redis-lens" --help 2>&1 || true)
if [ "$tls" = 1 ] && [[ $lens_help != *--tls-listen* ]]; then
    echo "compare.sh: $bin/redis-lens has no --tls-listen (a build without TLS, issue 26); --tls cannot run" >&2
    exit 1
fi
if [ "$shared" = 1 ] && [ "$shared_override" = 0 ] && [[ $lens_help != *--pool-mode* ]]; then
    echo "compare.sh: $bin/redis-lens has no --pool-mode (a build without shared mode, issue 30); --shared cannot run" >&2
    exit 1
fi
if [ "$proxy_bench" = 1 ] || [ "$memory" = 1 ]; then
    [ -x "$bin/redis-proxy-bench" ] || { echo "compare.sh: $bin/redis-proxy-bench is missing" >&2; exit 1; }
fi

ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
tmp=$(mktemp -d)
pids=()
sampler= # the running connection sampler's PID (--shared), kept out of pids: it ends every run
cleanup() {
    [ -z "$sampler" ] || kill "$sampler" 2>/dev/null || true
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_ready() { # port name log [redis-cli TLS options...]: the target added last
    local port=$1 name=$2 log=$3 pid=${procs[-1]} problem
    shift 3
    problem="did not answer PING on port $port${*:+ (redis-cli $*)}"
    for _ in $(seq 1 400); do
        [ "$(redis-cli -p "$port" "$@" ping 2>/dev/null)" = PONG ] && return
        kill -0 "$pid" 2>/dev/null || { problem="exited at start"; break; }
        sleep 0.05
    done
    # The temporary folder goes when the script ends: show the log here.
    echo "compare.sh: $name $problem; the end of its log:" >&2
    tail -n 20 "$log" >&2 2>/dev/null || true
    exit 1
}
cpu_ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

names=()
ports=()
procs=()
clients=() # per target: redis-benchmark's and redis-cli's connection options (TLS), space-separated
add_target() { names+=("$1"); ports+=("$2"); procs+=("$3"); clients+=("${4:-}"); }

# Redis and the two proxies that are not redis-lens, as the plaintext and shared comparisons
# run them. haproxy's and twemproxy's client limits leave room for -c 2000 (--shared).
start_redis_and_relays() {
    redis_port=$(free_port)
    redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --dir "$tmp" \
        --logfile "$tmp/redis.log" --maxclients 10000 >/dev/null 2>&1 &
    pids+=($!)
    add_target direct "$redis_port" $!
    wait_ready "$redis_port" redis-server "$tmp/redis.log"

    haproxy_port=$(free_port)
    cat >"$tmp/haproxy.cfg" <<EOF
global
    nbthread 1
    maxconn 4000
defaults
    mode tcp
    maxconn 4000
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
    wait_ready "$haproxy_port" haproxy "$tmp/haproxy.log"

    twem_port=$(free_port)
    cat >"$tmp/nutcracker.yml" <<EOF
bench:
  listen: 127.0.0.1:$twem_port
  redis: true
  hash: fnv1a_64
  distribution: ketama
  auto_eject_hosts: false
  server_connections: 1
  client_connections: 4000
  servers:
    - 127.0.0.1:$redis_port:1
EOF
    nutcracker -c "$tmp/nutcracker.yml" -s "$(free_port)" -a 127.0.0.1 -o "$tmp/nutcracker.log" >/dev/null 2>&1 &
    pids+=($!)
    add_target twemproxy "$twem_port" $!
    wait_ready "$twem_port" twemproxy "$tmp/nutcracker.log"
}

start_plain_targets() {
    start_redis_and_relays
    start_lens lens
    start_lens lens-insight --hotkeys --hotkeys-metrics 20
    start_lens lens-bare --no-telemetry
}

# The shared comparison (issue 30): redis-lens with dedicated upstream connections (today's
# default, named when the build knows --pool-mode, so that lens stays dedicated if the
# default changes) and with shared ones, both with all telemetry on.
start_shared_targets() {
    local -a dedicated=()
    [[ $lens_help != *--pool-mode* ]] || dedicated=(--pool-mode dedicated)
    start_redis_and_relays
    start_lens lens "${dedicated[@]}"
    start_lens lens-shared "${shared_flags[@]}"
}

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
    wait_ready "$port" "$name" "$tmp/$name.log"
}

# The TLS comparison's certificates: a CA and one server certificate (CN and SAN localhost,
# SAN IP 127.0.0.1), both EC P-256, valid two days, made afresh for every run. redis-server,
# haproxy's frontend and redis-lens's --tls-listen all present the server certificate;
# every client (redis-benchmark, redis-cli, haproxy's and redis-lens's upstream side)
# verifies it against the CA.
tls_dir="$tmp/tls"
make_certificates() {
    mkdir -p "$tls_dir"
    if ! (
        cd "$tls_dir"
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.crt \
            -days 2 -sha256 -subj "/O=redis-lens benchmark/CN=redis-lens benchmark CA" \
            -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
        openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server.key -out server.csr \
            -subj "/O=redis-lens benchmark/CN=localhost"
        printf '%s\n' basicConstraints=critical,CA:FALSE keyUsage=critical,digitalSignature \
            extendedKeyUsage=serverAuth subjectAltName=DNS:localhost,IP:127.0.0.1 >server.ext
        openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -sha256 \
            -extfile server.ext -out server.crt
        openssl verify -CAfile ca.crt server.crt
        cat server.crt server.key >server.pem # haproxy's `crt`: certificate and key in one file
    ) >"$tmp/openssl.log" 2>&1; then
        echo "compare.sh: openssl could not make the TLS certificates:" >&2
        cat "$tmp/openssl.log" >&2
        exit 1
    fi
}

start_tls_targets() {
    make_certificates
    local tls_client="--tls --cacert $tls_dir/ca.crt"
    local -a cli
    read -r -a cli <<<"$tls_client"

    # Redis with its TLS port only (--port 0), so nothing reaches it in plaintext.
    redis_tls_port=$(free_port)
    redis-server --port 0 --tls-port "$redis_tls_port" --tls-cert-file "$tls_dir/server.crt" \
        --tls-key-file "$tls_dir/server.key" --tls-ca-cert-file "$tls_dir/ca.crt" --tls-auth-clients no \
        --bind 127.0.0.1 --save '' --appendonly no --dir "$tmp" \
        --logfile "$tmp/redis.log" --maxclients 10000 >/dev/null 2>&1 &
    pids+=($!)
    add_target direct-tls "$redis_tls_port" $! "$tls_client"
    wait_ready "$redis_tls_port" redis-server "$tmp/redis.log" "${cli[@]}"

    # haproxy terminates the clients' TLS and opens its own to Redis, verifying Redis's
    # certificate against the CA and its name (localhost, also sent as SNI) as redis-lens does.
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
    bind 127.0.0.1:$haproxy_port ssl crt $tls_dir/server.pem
    default_backend redis
backend redis
    server redis 127.0.0.1:$redis_tls_port ssl verify required ca-file $tls_dir/ca.crt sni str(localhost) verifyhost localhost
EOF
    haproxy -db -f "$tmp/haproxy.cfg" >"$tmp/haproxy-tls.log" 2>&1 &
    pids+=($!)
    add_target haproxy-tls "$haproxy_port" $! "$tls_client"
    wait_ready "$haproxy_port" haproxy "$tmp/haproxy-tls.log" "${cli[@]}"

    # redis-lens as the plaintext suites run it (all telemetry on, one loop thread), TLS only
    # on the client side (--listen none) and TLS to Redis by the name localhost.
    local port
    port=$(free_port)
    "$bin/redis-lens" --listen none --tls-listen "127.0.0.1:$port" --tls-cert-file "$tls_dir/server.crt" \
        --tls-key-file "$tls_dir/server.key" --tls-auth-clients no --admin-listen "127.0.0.1:$(free_port)" \
        --upstream "rediss://localhost:$redis_tls_port" --upstream-tls-ca-cert-file "$tls_dir/ca.crt" \
        --log-level warning --threads 1 >"$tmp/lens-tls.log" 2>&1 &
    pids+=($!)
    add_target lens-tls "$port" $! "$tls_client"
    wait_ready "$port" lens-tls "$tmp/lens-tls.log" "${cli[@]}"
}

if [ "$tls" = 1 ]; then
    start_tls_targets
elif [ "$shared" = 1 ]; then
    start_shared_targets
else
    start_plain_targets
fi

results="$tmp/results.tsv"
: >"$results"
# label|requests per test|redis-benchmark arguments
suites=(
    "-t set,get -c 50 -P 16|$requests|-t set,get -c 50 -P 16"
    "-t set,get -c 50 -P 1|$((requests / 4))|-t set,get -c 50 -P 1"
    "-t get -c 1|$((requests / 20))|-t get -c 1"
)
# The TLS suites' labels start with "TLS " (compare_report.py reads them so).
[ "$tls" = 0 ] || suites=(
    "TLS -t set,get -c 50 -P 16|$requests|-t set,get -c 50 -P 16"
    "TLS -t set,get -c 50 -P 1|$((requests / 4))|-t set,get -c 50 -P 1"
)
# The shared suites' labels start with "shared " (compare_report.py reads them so). -t set,get
# as above, so that the GETs hit. A -P 1 suite has N/4 requests, but at least 100 per client
# so that connecting 2,000 clients is not most of the run.
[ "$shared" = 0 ] || suites=(
    "shared -t set,get -c 50 -P 1|$((requests / 4))|-t set,get -c 50 -P 1"
    "shared -t set,get -c 50 -P 16|$requests|-t set,get -c 50 -P 16"
    "shared -t set,get -c 1 -P 1|$((requests / 20))|-t set,get -c 1 -P 1"
    "shared -t set,get -c 500 -P 1|$((requests / 4 > 50000 ? requests / 4 : 50000))|-t set,get -c 500 -P 1"
    "shared -t set,get -c 2000 -P 1|$((requests / 4 > 200000 ? requests / 4 : 200000))|-t set,get -c 2000 -P 1"
)
if [ ${#custom_suites[@]} -gt 0 ]; then
    suites=()
    prefix=
    [ "$tls" = 0 ] || prefix="TLS "
    [ "$shared" = 0 ] || prefix="shared "
    for suite in "${custom_suites[@]}"; do suites+=("$prefix$suite|$requests|$suite"); done
fi
count=${#names[@]}
invocation=0
# --shared: Redis's connection count over a run, from one redis-cli that asks INFO clients
# every 0.1 s on its own connection (counted in connected_clients). sampler_start returns
# once the count has settled (three samples in a row equal, at most 30 s: a proxy may still
# be closing the previous run's 2,000 connections, which would count and cost Redis CPU in
# this run); sampler_stop ends it and sets clients_before (the settled count) and
# clients_max (the most of that and every later sample).
samples="$tmp/clients.txt"
counts() { tr -d '\r' <"$samples" | awk -F: '/^connected_clients:/ { print $2 + 0 }'; }
sampler_start() {
    local -a seen
    : >"$samples"
    redis-cli -h 127.0.0.1 -p "$redis_port" -r -1 -i 0.1 info clients >"$samples" 2>/dev/null &
    sampler=$!
    for _ in $(seq 1 1500); do
        mapfile -t seen < <(counts)
        local n=${#seen[@]}
        if [ "$n" -ge 3 ] && [ "${seen[n - 1]}" = "${seen[n - 2]}" ] && [ "${seen[n - 2]}" = "${seen[n - 3]}" ]; then
            samples_start=$n
            return
        fi
        kill -0 "$sampler" 2>/dev/null || break
        sleep 0.02
    done
    if ! kill -0 "$sampler" 2>/dev/null || [ "${#seen[@]}" -eq 0 ]; then
        echo "compare.sh: redis-cli INFO clients stopped or gave no sample (Redis on port $redis_port)" >&2
        exit 1
    fi
    echo "compare.sh: Redis's connection count still changing after 30 s (now ${seen[-1]}); measuring anyway" >&2
    samples_start=${#seen[@]}
}
sampler_stop() {
    kill "$sampler" 2>/dev/null || true
    wait "$sampler" 2>/dev/null || true
    sampler=
    read -r clients_before clients_max < <(counts | awk -v from="$samples_start" \
        'NR == from { first = $1; max = $1 } NR > from && $1 > max { max = $1 } END { print first + 0, max + 0 }')
}
redis_pid=${procs[0]} # the direct target is redis-server itself
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
                read -r -a client <<<"${clients[$index]}"
                [ "$shared" = 0 ] || { sampler_start; redis_before=$(cpu_ticks "$redis_pid"); }
                before=$(cpu_ticks "${procs[$index]}")
                redis-benchmark -h 127.0.0.1 -p "${ports[$index]}" "${client[@]}" --csv -n "$n" "${run_args[@]}" 2>/dev/null |
                    tr '\r' '\n' | grep -E '^"[A-Z]' >"$tmp/out.csv" || true
                after=$(cpu_ticks "${procs[$index]}")
                # --shared: three more columns, Redis's CPU ticks over the run and its
                # connected_clients before and at most during it.
                extra=
                if [ "$shared" = 1 ]; then
                    redis_after=$(cpu_ticks "$redis_pid")
                    sampler_stop
                    extra=$'\t'"$((redis_after - redis_before))"$'\t'"$clients_before"$'\t'"$clients_max"
                fi
                lines=$(wc -l <"$tmp/out.csv")
                if [ "$lines" -eq 0 ]; then
                    echo "compare.sh: redis-benchmark ${run_args[*]} against $name printed no result" >&2
                    exit 1
                fi
                # One row per test; CPU ticks and requests cover the whole invocation (all its
                # tests), which the last column numbers.
                invocation=$((invocation + 1))
                while IFS=, read -r name_of_test rps avg _ p50 _; do
                    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s%s\n' "$label" "$name" "$round" \
                        "${name_of_test//\"/}" "${rps//\"/}" "${avg//\"/}" "${p50//\"/}" "$((after - before))" \
                        "$((n * lines))" "$invocation" "$extra" >>"$results"
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
    soak_start=$(date +%s)
    while kill -0 "$soak" 2>/dev/null; do
        printf 'soak\tlens\t%s\t%s\n' "$(($(date +%s) - soak_start))" "$(rss_kib "${procs[$lens_index]}")" >>"$memory_file"
        sleep 5
    done
    wait "$soak"
fi

command="Benchmarks/compare.sh --rounds $rounds -n $requests"
for suite in "${custom_suites[@]}"; do command+=" --suite '$suite'"; done
[ "$proxy_bench" = 1 ] || [ "$tls" = 1 ] || [ "$shared" = 1 ] || command+=" --skip-proxy-bench"
[ "$memory" = 1 ] && command+=" --memory --memory-seconds $memory_seconds"
[ "$tls" = 0 ] || command+=" --tls"
if [ "$shared" = 1 ]; then
    command+=" --shared"
    [ "$shared_connections" = 1 ] || command+=" --shared-connections-arg $shared_connections"
    [ "$shared_override" = 0 ] || command="COMPARE_LENS_SHARED_FLAGS='$COMPARE_LENS_SHARED_FLAGS' $command"
fi
[ "$prebuilt" = 0 ] || command+=" --bin $bin"
[ -z "$save_file" ] || report_args+=(--save "$save_file")
# Each `sed -n 1p` reads its input to the end: `head -1` could end the pipe early, and
# the version command's SIGPIPE would stop the script (set -e, pipefail).
machine="$(date -u +%F), $(nproc) cores, redis-server $(redis-server --version | grep -o 'v=[0-9.]*' | cut -c3-)"
machine+=", $(haproxy -v | sed -n 1p | cut -d' ' -f1-3)"
if [ "$tls" = 1 ]; then
    machine+=", $(openssl version | cut -d' ' -f1-2)"
else
    machine+=", $(nutcracker --version 2>&1 | sed -n 1p | sed 's/This is //')"
fi
python3 Benchmarks/compare_report.py --results "$results" --memory "$memory_file" "${report_args[@]}" \
    --clock-ticks "$(getconf CLK_TCK)" --command "$command" --started "$started" --commit "$commit" \
    --machine "$machine"
