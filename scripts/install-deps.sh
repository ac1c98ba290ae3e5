#!/usr/bin/env bash
# Installs what redis-lens's tests and local runs need, if missing:
# redis-server, redis-sentinel, redis-tools, libhiredis-dev, libssl-dev, prometheus (for promtool), openssl,
# chromium (the live page's test) and tmux (redis-lens top's test) from Debian,
# pytest, redis-py and PyYAML from PyPI.
set -euo pipefail
cd "$(dirname "$0")/.."

sudo_cmd=()
if [ "$(id -u)" != 0 ]; then sudo_cmd=(sudo); fi

missing=()
command -v redis-server >/dev/null || missing+=(redis-server)
command -v redis-cli >/dev/null || missing+=(redis-tools)
command -v redis-sentinel >/dev/null || missing+=(redis-sentinel)  # the Sentinel tests
[ -f /usr/include/hiredis/hiredis.h ] || missing+=(libhiredis-dev)
[ -f /usr/include/openssl/ssl.h ] || missing+=(libssl-dev)
command -v promtool >/dev/null || missing+=(prometheus)
command -v openssl >/dev/null || missing+=(openssl)  # the TLS tests make their certificates with it
command -v chromium >/dev/null || missing+=(chromium)  # the live page's test
command -v tmux >/dev/null || missing+=(tmux)  # redis-lens top's test
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]}" >&2
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! python3 -c 'import redis, pytest' 2>/dev/null \
    || ! python3 - <<'PY' 2>/dev/null
import importlib.metadata as m, sys
wanted = dict(l.strip().split("==") for l in open("Tests/compat/requirements.txt") if "==" in l)
sys.exit(any(m.version(k) != v for k, v in wanted.items()))
PY
then
    python3 -m pip install -q --disable-pip-version-check -r Tests/compat/requirements.txt
fi
