#!/usr/bin/env python3
"""The long differential run: random command streams sent to one Redis directly and to an
identical second Redis through redis-lens, compared byte for byte (replies and the close).

    scripts/differential.py [--streams 100000] [--seed N] [--binary PATH]

Starts its own redis-servers and redis-lens on free loopback ports and stops them. Exits 1
on the first mismatches (printed), 0 when every stream matched. Tests/compat/test_differential.py
runs a short fixed-seed version of the same streams in CI.
"""

import argparse
import os
import random
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "Tests", "compat"))

from conftest import LensProcess, RedisServer  # noqa: E402
from differential import run  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--streams", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=random.randrange(1 << 31))
    parser.add_argument("--binary", default=os.environ.get("REDIS_LENS_BIN")
                        or os.path.join(ROOT, ".build", "release", "redis-lens"))
    parser.add_argument("--batch", type=int, default=1_000, help="streams between progress lines")
    args = parser.parse_args()
    if not os.access(args.binary, os.X_OK):
        print(f"differential: error: {args.binary} is not an executable (build redis-lens, or pass --binary)",
              file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as work:
        for name in ("direct", "behind", "lens"):
            os.mkdir(os.path.join(work, name))
        direct = RedisServer(os.path.join(work, "direct")).start()
        behind = RedisServer(os.path.join(work, "behind")).start()
        lens = LensProcess(args.binary, os.path.join(work, "lens"), behind.url(), args=["--info-interval", "0"])
        try:
            lens.start()
            started, done, seed = time.monotonic(), 0, args.seed
            print(f"seed {args.seed}, {args.streams} streams", flush=True)
            while done < args.streams:
                count = min(args.batch, args.streams - done)
                _, mismatches = run(direct.port, lens.port, count, seed)
                if mismatches:
                    for index, fragments, want, got in mismatches[:3]:
                        print(f"MISMATCH batch seed {seed}, stream {index}: sent {b''.join(fragments)!r}\n"
                              f"  Redis {want!r}\n  proxy {got!r}")
                    print(f"{len(mismatches)} mismatches in streams {done}..{done + count}")
                    return 1
                done += count
                seed += 1
                print(f"{done} streams matched ({time.monotonic() - started:.0f} s)", flush=True)
            print(f"all {done} streams matched byte for byte, seed {args.seed}")
            return 0
        finally:
            lens.stop()
            direct.stop()
            behind.stop()


if __name__ == "__main__":
    sys.exit(main())
