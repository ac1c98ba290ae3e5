#!/usr/bin/env bash
# Builds the release binary exactly as Deploy/Dockerfile does (static Swift standard
# library, so the runtime image needs only libhiredis). CI runs this same script, and
# the compatibility suite checks the binary it produces.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --static-swift-stdlib --product redis-lens "$@"
