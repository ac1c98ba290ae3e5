#!/usr/bin/env bash
# Runs the whole test suite: the Swift tests (unit + integration against a real
# redis-server) and the redis-py compatibility tests against the built binary.
# Installs what is missing first (redis-server, redis-tools and prometheus's promtool
# from Debian; pytest and redis-py from PyPI), so it works on a fresh Debian machine with Swift.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh

swift build --build-tests
swift test --skip-build
# The release binary exactly as Deploy/Dockerfile builds it (Tests/compat/test_deploy.py checks it).
scripts/build-release.sh
REDIS_LENS_BIN="$(swift build --show-bin-path)/redis-lens" \
    REDIS_LENS_RELEASE_BIN="$(swift build -c release --show-bin-path)/redis-lens" \
    python3 -m pytest -q -p no:cacheprovider Tests/compat
