#!/usr/bin/env bash
# Builds the release binary exactly as Deploy/Dockerfile does (scripts/build-release.sh, in a
# scratch path of its own) and runs the test that checks it: statically linked Swift, and it
# serves. .ci/run runs it after the README's test command (scripts/test.sh, which installs
# what both need).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/build-release.sh redis-lens --scratch-path .build-release
binary="$(swift build -c release --scratch-path .build-release --show-bin-path)/redis-lens"
REDIS_LENS_BIN="$binary" REDIS_LENS_RELEASE_BIN="$binary" \
    python3 -m pytest -q -p no:cacheprovider Tests/compat/test_deploy.py::test_release_binary_is_static_swift_and_serves
