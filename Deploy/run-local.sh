#!/usr/bin/env bash
# Runs redis-lens on 127.0.0.1:6380 in front of a local Redis on 127.0.0.1:6379.
# Installs what is missing from Debian (redis-server and redis-tools; libhiredis-dev and
# libssl-dev, which the build needs), and if no Redis answers there, starts one for as long as this script
# runs. Extra arguments go to redis-lens.
set -euo pipefail
cd "$(dirname "$0")/.."

started=""
cleanup() { if [ -n "$started" ]; then kill "$started" 2>/dev/null || true; fi; }
trap cleanup EXIT INT TERM

missing=()
command -v redis-server >/dev/null || missing+=(redis-server)
command -v redis-cli >/dev/null || missing+=(redis-tools)
[ -f /usr/include/hiredis/hiredis.h ] || missing+=(libhiredis-dev)
[ -f /usr/include/openssl/ssl.h ] || missing+=(libssl-dev)
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]}" >&2
    sudo_cmd=(); [ "$(id -u)" = 0 ] || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! redis-cli -p 6379 ping >/dev/null 2>&1; then
    echo "starting redis-server on 127.0.0.1:6379 (stops with this script)" >&2
    redis-server --port 6379 --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
        --logfile "${TMPDIR:-/tmp}/redis-lens-local-redis.log" &
    started=$!
    for _ in $(seq 1 100); do redis-cli -p 6379 ping >/dev/null 2>&1 && break; sleep 0.05; done
fi

swift build -c release --product redis-lens
echo "redis-lens: clients connect to 127.0.0.1:6380; live page at http://127.0.0.1:9122/ (or: redis-lens top)" >&2
"$(swift build -c release --show-bin-path)/redis-lens" --upstream redis://127.0.0.1:6379 "$@" &
proxy=$!
# On a desktop, open the live page once the admin endpoint answers.
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && command -v xdg-open >/dev/null; then
    for _ in $(seq 1 100); do
        if (exec 3<>/dev/tcp/127.0.0.1/9122) 2>/dev/null; then xdg-open http://127.0.0.1:9122/ >/dev/null 2>&1 || true; break; fi
        sleep 0.1
    done
fi
trap 'kill -TERM $proxy 2>/dev/null; wait $proxy; cleanup' INT TERM
wait $proxy
