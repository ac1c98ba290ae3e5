#!/usr/bin/env bash
# Builds a release product (default redis-lens) exactly as Deploy/Dockerfile does:
# - a static Swift standard library, so the runtime image needs only libhiredis;
# - no runtime exclusivity checks in any module, dependencies included. The data-path
#   targets turn them off in Package.swift already (docs/decisions/0005-build-flags.md).
# CI runs this same script, and the compatibility suite checks the binary it produces.
# Usage: scripts/build-release.sh [PRODUCT] [swift build options...]
set -euo pipefail
cd "$(dirname "$0")/.."
product=redis-lens
if [[ $# -gt 0 && "$1" != -* ]]; then
    product=$1
    shift
fi
swift build -c release --static-swift-stdlib -Xswiftc -enforce-exclusivity=unchecked --product "$product" "$@"
