"""Turns the raw results of Benchmarks/compare.sh into Markdown tables and a check of the
performance goal (issue 6). Ratios are paired: each round's number over the same round's
number of the other target, then the median over rounds."""

import argparse
import collections
import json
import statistics

TARGETS = ["direct", "haproxy", "twemproxy", "lens", "lens-bare"]
PROXIES = TARGETS[1:]
median = statistics.median


def load_runs(path):
    """{suite: {test: {(target, round): row}}}, in the order the suites ran."""
    suites = collections.OrderedDict()
    for line in open(path):
        suite, target, rnd, test, rps, avg, p50, ticks, requests, invocation = line.rstrip("\n").split("\t")
        row = dict(rps=float(rps), avg=float(avg) * 1000, p50=float(p50) * 1000, ticks=int(ticks),
                   requests=int(requests), invocation=int(invocation))
        suites.setdefault(suite, collections.OrderedDict()).setdefault(test, {})[(target, int(rnd))] = row
    return suites


def rounds_of(rows):
    return sorted({r for (_, r) in rows})


def paired_ratios(rows, target, base):
    return [rows[(target, r)]["rps"] / rows[(base, r)]["rps"] for r in rounds_of(rows)]


def paired_ratio(rows, target, base):
    return median(paired_ratios(rows, target, base))


def ratio_with_spread(rows, target, base):
    """The median paired ratio, and as text with what on a noisy machine matters as much: the
    middle half of the rounds' ratios (quartiles; min..max below four rounds)."""
    ratios = sorted(paired_ratios(rows, target, base))
    ratio = median(ratios)
    if len(ratios) < 4:
        return ratio, f"{ratio:.3f}x (rounds {ratios[0]:.2f}-{ratios[-1]:.2f})"
    low, _, high = statistics.quantiles(ratios, n=4)
    return ratio, f"{ratio:.3f}x (middle half of rounds {low:.2f}-{high:.2f})"


def paired_difference(rows, target, base, key):
    return median(rows[(target, r)][key] - rows[(base, r)][key] for r in rounds_of(rows))


def cpu_per_request(tests, target, tick_us):
    """Per round, the target's CPU ticks over its requests in every test of the suite (a
    test's row carries its redis-benchmark invocation's ticks and requests, so an invocation
    that ran several tests counts once); then the median over rounds."""
    def per_round(r):
        runs = {rows[(target, r)]["invocation"]: rows[(target, r)] for rows in tests.values()}
        return sum(run["ticks"] for run in runs.values()) * tick_us / sum(run["requests"] for run in runs.values())
    return median(per_round(r) for r in rounds_of(next(iter(tests.values()))))


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "| --- " + "| ---: " * (len(header) - 1) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def throughput_suite(suite, tests, tick_us, checks):
    names = list(tests)
    header = ["target"] + [f"{t} ops/s" for t in names] + [f"{t} vs direct" for t in names]
    header += [f"{t} vs haproxy" for t in names] + ["proxy CPU µs/request"]
    body = []
    for target in TARGETS:
        row = [target]
        row += [f"{median(tests[t][(target, r)]['rps'] for r in rounds_of(tests[t])):.0f}" for t in names]
        row += [f"{paired_ratio(tests[t], target, 'direct'):.3f}" for t in names]
        row += [f"{paired_ratio(tests[t], target, 'haproxy'):.3f}" for t in names]
        row.append("-" if target == "direct" else f"{cpu_per_request(tests, target, tick_us):.2f}")
        body.append(row)
    print(f"\n### redis-benchmark {suite}\n")
    print(table(header, body))
    for t in names:
        ratio, text = ratio_with_spread(tests[t], "lens", "haproxy")
        checks.append((f"{suite} {t}: lens ops/s >= haproxy's", text, ratio >= 1.0))
        telemetry, text = ratio_with_spread(tests[t], "lens", "lens-bare")
        checks.append((f"{suite} {t}: telemetry on within 5% of --no-telemetry", text, telemetry >= 0.95))
    if "-P 16" in suite:
        cpu = cpu_per_request(tests, "lens", tick_us)
        checks.append((f"{suite}: lens CPU <= 1.0 µs/request", f"{cpu:.2f} µs", cpu <= 1.0))


def latency_suite(suite, tests, tick_us, checks):
    for test, rows in tests.items():
        header = ["target", "ops/s", "p50 µs", "mean µs", "added p50 µs", "added mean µs", "proxy CPU µs/request"]
        body = []
        for target in TARGETS:
            rs = rounds_of(rows)
            body.append([
                target, f"{median(rows[(target, r)]['rps'] for r in rs):.0f}",
                f"{median(rows[(target, r)]['p50'] for r in rs):.0f}",
                f"{median(rows[(target, r)]['avg'] for r in rs):.1f}",
                "-" if target == "direct" else f"{paired_difference(rows, target, 'direct', 'p50'):.0f}",
                "-" if target == "direct" else f"{paired_difference(rows, target, 'direct', 'avg'):.1f}",
                "-" if target == "direct" else f"{cpu_per_request({test: rows}, target, tick_us):.2f}",
            ])
        print(f"\n### redis-benchmark {suite} ({test}, round-trip latency)\n")
        print(table(header, body))
        for key, name in (("p50", "p50"), ("avg", "mean")):
            lens = paired_difference(rows, "lens", "direct", key)
            relay = paired_difference(rows, "haproxy", "direct", key)
            checks.append((f"{suite}: lens adds no more {name} latency than haproxy",
                           f"{lens:.1f} vs {relay:.1f} µs", lens <= relay))


def bench_workload(label, path):
    report = json.load(open(path))
    targets = {t["name"]: t for t in report["targets"]}
    haproxy = [run["ops_per_second"] for run in targets["haproxy"]["runs"]]
    header = ["target", "ops/s", "min..max", "vs direct", "vs haproxy", "p50 µs", "p99 µs", "p99.9 µs", "errors",
              "hits"]
    body = []
    for name in TARGETS:
        t = targets[name]
        ops = [run["ops_per_second"] for run in t["runs"]]
        vs_haproxy = median(a / b for a, b in zip(ops, haproxy))
        latency = t["latency_microseconds"]
        body.append([
            name, f"{t['ops_per_second']['median']:.0f}",
            f"{t['ops_per_second']['min']:.0f}..{t['ops_per_second']['max']:.0f}",
            f"{t['ratio_to_first']['median']:.3f}", f"{vs_haproxy:.3f}", f"{latency['p50']:.0f}",
            f"{latency['p99']:.0f}", f"{latency['p99_9']:.0f}", str(t["errors"]),
            "-" if t.get("hit_ratio") is None else f"{t['hit_ratio'] * 100:.1f}%",
        ])
    print(f"\n### redis-proxy-bench {label}\n")
    print(table(header, body))


def memory(path, checks):
    idle, soak = [], []
    for line in open(path):
        fields = line.rstrip("\n").split("\t")
        (idle if fields[0] == "idle" else soak).append(fields[1:])
    if idle:
        print("\n### Memory: 1,000 idle client connections (VmRSS)\n")
        body = [[name, f"{int(before) / 1024:.1f}", f"{int(after) / 1024:.1f}"] for name, before, after in idle]
        print(table(["proxy", "RSS before MiB", "RSS with 1,000 idle MiB"], body))
        for name, _, after in idle:
            if name == "lens":
                checks.append(("1,000 idle connections: lens RSS < 100 MiB", f"{int(after) / 1024:.1f} MiB",
                               int(after) < 100 * 1024))
    if soak:
        print("\n### Memory: redis-lens VmRSS under -P 16 load (mixed, 50 connections)\n")
        print(table(["seconds", "RSS MiB"], [[s, f"{int(kib) / 1024:.1f}"] for _, s, kib in soak]))
        settled = [int(kib) for _, s, kib in soak if int(s) >= 10] or [int(soak[-1][2])]
        growth = settled[-1] - settled[0]
        checks.append(("-P 16 load: lens RSS does not grow after 10 s (last <= first + max(5%, 2 MiB))",
                       f"{settled[0] / 1024:.1f} -> {settled[-1] / 1024:.1f} MiB",
                       growth <= max(settled[0] * 0.05, 2048)))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--results", required=True)
    parser.add_argument("--memory", required=True)
    parser.add_argument("--bench", action="append", default=[])
    parser.add_argument("--clock-ticks", type=int, required=True)
    parser.add_argument("--command", required=True)
    parser.add_argument("--machine", required=True)
    args = parser.parse_args()
    tick_us = 1e6 / args.clock_ticks
    print(f"`{args.command}`\n\n{args.machine}. Ratios: per round, then the median over rounds. Proxy CPU: "
          f"utime + stime from /proc/PID/stat over a round's redis-benchmark runs of the suite, per request, "
          f"then the median over rounds (resolution {tick_us / 1000:.0f} ms per run).")
    checks = []
    for suite, tests in load_runs(args.results).items():
        if suite.endswith("-c 1"):
            latency_suite(suite, tests, tick_us, checks)
        else:
            throughput_suite(suite, tests, tick_us, checks)
    for item in args.bench:
        label, path = item.rsplit("=", 1)
        bench_workload(label, path)
    memory(args.memory, checks)
    print("\n### Goal check (issue 6)\n")
    print(table(["goal", "measured", "met"], [[goal, value, "yes" if ok else "**no**"] for goal, value, ok in checks]))


if __name__ == "__main__":
    main()
