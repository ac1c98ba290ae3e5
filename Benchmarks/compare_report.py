"""Turns the raw results of Benchmarks/compare.sh into Markdown tables and a check of the
performance goal (issue 6). Ratios are paired: each round's number over the same round's
number of the other target, then the median over rounds.

With --save FILE it also writes the run's raw numbers as JSON (every redis-benchmark run per
round, target and test with its requests/s and the proxy's CPU time, the redis-proxy-bench
reports, the memory samples); --load FILE prints the Markdown again from such a file.

A run of `compare.sh --tls` has the TLS targets instead (direct-tls, haproxy-tls, lens-tls)
and suites labelled "TLS ...": their ratios are to direct-tls and haproxy-tls, and their
checks (issue 6's goals applied to TLS on both sides, issue 26) get a table of their own.

A run of `compare.sh --shared` (issue 30) has direct, haproxy, twemproxy, lens (dedicated
upstream connections) and lens-shared (--pool-mode shared), suites labelled "shared ...",
and per run also Redis's CPU ticks and its connected_clients before and at most during the
run: a table per suite and test, and issue 30's performance goals checked PASS/FAIL."""

import argparse
import collections
import json
import math
import statistics

TARGETS = ["direct", "haproxy", "twemproxy", "lens", "lens-insight", "lens-bare"]
PROXIES = TARGETS[1:]
TLS_TARGETS = ["direct-tls", "haproxy-tls", "lens-tls"]
SHARED_TARGETS = ["direct", "haproxy", "twemproxy", "lens", "lens-shared"]
ALL_TARGETS = TARGETS[:4] + ["lens-shared"] + TARGETS[4:] + TLS_TARGETS
# The part each target plays in a suite's ratios and checks: Redis directly, the byte relay
# (haproxy), redis-lens with all telemetry on, and with --no-telemetry.
PLAIN_ROLES = dict(direct="direct", relay="haproxy", lens="lens", bare="lens-bare")
TLS_ROLES = dict(direct="direct-tls", relay="haproxy-tls", lens="lens-tls", bare=None)
TLS_PREFIX = "TLS "
SHARED_PREFIX = "shared "
median = statistics.median


def roles_of(suite):
    return TLS_ROLES if suite.startswith(TLS_PREFIX) else PLAIN_ROLES


def targets_of(tests):
    """The targets a suite ran against, in the usual order."""
    present = {target for rows in tests.values() for (target, _) in rows}
    return [t for t in ALL_TARGETS if t in present] + sorted(present - set(ALL_TARGETS))


def read_results(path, clock_ticks):
    """compare.sh's results.tsv as a list of raw runs, one per redis-benchmark test: the
    target's CPU time and the requests cover the whole invocation the test ran in. Rows of
    --shared have three more fields: redis-server's CPU ticks over the invocation, and
    Redis's connected_clients before it and at most during it."""
    runs = []
    for line in open(path):
        fields = line.rstrip("\n").split("\t")
        suite, target, rnd, test, rps, avg, p50, ticks, requests, invocation = fields[:10]
        run = dict(suite=suite, test=test, target=target, round=int(rnd), requests_per_second=float(rps),
                   avg_latency_ms=float(avg), p50_latency_ms=float(p50), invocation=int(invocation),
                   invocation_requests=int(requests), cpu_ticks=int(ticks),
                   cpu_seconds=round(int(ticks) / clock_ticks, 6))
        if len(fields) == 13:
            redis_ticks, clients_before, clients_max = (int(field) for field in fields[10:])
            run.update(redis_cpu_ticks=redis_ticks, redis_cpu_seconds=round(redis_ticks / clock_ticks, 6),
                       redis_connected_clients_before=clients_before, redis_connected_clients_max=clients_max)
        runs.append(run)
    return runs


def read_memory(path):
    """compare.sh's memory.tsv: RSS before and with 1,000 idle connections per proxy, and
    redis-lens's RSS sampled under load."""
    idle, soak = [], []
    for line in open(path):
        fields = line.rstrip("\n").split("\t")
        if fields[0] == "idle":
            idle.append(dict(target=fields[1], rss_kib_before=int(fields[2]), rss_kib_with_idle=int(fields[3])))
        else:
            soak.append(dict(target=fields[1], seconds=int(fields[2]), rss_kib=int(fields[3])))
    return dict(idle=idle, soak=soak)


def load_runs(runs):
    """{suite: {test: {(target, round): row}}}, in the order the suites ran."""
    suites = collections.OrderedDict()
    for run in runs:
        row = dict(rps=run["requests_per_second"], avg=run["avg_latency_ms"] * 1000, p50=run["p50_latency_ms"] * 1000,
                   ticks=run["cpu_ticks"], requests=run["invocation_requests"], invocation=run["invocation"])
        if "redis_cpu_ticks" in run:
            row.update(redis_ticks=run["redis_cpu_ticks"], clients_before=run["redis_connected_clients_before"],
                       clients_max=run["redis_connected_clients_max"])
        suites.setdefault(run["suite"], collections.OrderedDict()).setdefault(run["test"], {})[
            (run["target"], run["round"])] = row
    return suites


def rounds_of(rows):
    return sorted({r for (_, r) in rows})


def paired_ratios(rows, target, base):
    return [rows[(target, r)]["rps"] / rows[(base, r)]["rps"] for r in rounds_of(rows)]


def paired_ratio(rows, target, base):
    return median(paired_ratios(rows, target, base))


def median_interval(values):
    """The median and its distribution-free 95% confidence interval: the order statistics
    x(k) and x(n+1-k) for the largest k with P(Binomial(n, 1/2) < k) <= 2.5% (the sign
    test's interval; it assumes only that rounds are independent). None for the interval
    below six values, where even min..max covers less than 95%."""
    xs = sorted(values)
    n = len(xs)
    k = 0
    while k < n // 2 and sum(math.comb(n, i) for i in range(k + 1)) / 2**n <= 0.025:
        k += 1
    return median(xs), ((xs[k - 1], xs[n - k]) if k else None)


def met(ok):
    return "yes" if ok else "**no**"


def judge(estimate, interval, bound, at_least):
    """Reads a goal `value >= bound` (or `<=` when not `at_least`) against the rounds' noise:
    "yes" when the whole confidence interval meets it, "parity" when the interval contains
    the bound (the run cannot tell the difference from its noise, so the goal is neither
    shown nor refuted), "**no**" when the whole interval misses it. Without an interval
    (fewer than six rounds), the median alone decides."""
    meets = (lambda value: value >= bound) if at_least else (lambda value: value <= bound)
    if interval is None:
        return met(meets(estimate))
    if meets(interval[0]) and meets(interval[1]):
        return "yes"
    return "parity" if meets(interval[0]) or meets(interval[1]) else "**no**"


def interval_text(interval, rounds, digits):
    if interval is None:
        return f"{rounds} rounds, too few for a 95% interval"
    return f"95% CI {interval[0]:.{digits}f} to {interval[1]:.{digits}f}, {rounds} rounds"


def ratio_check(rows, target, base, bound):
    """The median paired ratio judged against `bound`, and as text with its interval."""
    ratios = paired_ratios(rows, target, base)
    ratio, interval = median_interval(ratios)
    return judge(ratio, interval, bound, True), f"{ratio:.3f}x ({interval_text(interval, len(ratios), 2)})"


def paired_difference(rows, target, base, key):
    return median(rows[(target, r)][key] - rows[(base, r)][key] for r in rounds_of(rows))


def cpu_rounds(tests, target, tick_us, key="ticks"):
    """Per round, the target's CPU ticks over its requests in every test of the suite (a
    test's row carries its redis-benchmark invocation's ticks and requests, so an invocation
    that ran several tests counts once). `key` "redis_ticks": redis-server's CPU over the
    target's runs instead (--shared)."""
    def per_round(r):
        runs = {rows[(target, r)]["invocation"]: rows[(target, r)] for rows in tests.values()}
        return sum(run[key] for run in runs.values()) * tick_us / sum(run["requests"] for run in runs.values())
    return [per_round(r) for r in rounds_of(next(iter(tests.values())))]


def cpu_per_request(tests, target, tick_us, key="ticks"):
    """The median over rounds of the target's CPU per request (`key` as for cpu_rounds)."""
    return median(cpu_rounds(tests, target, tick_us, key))


def cpu_ratio_text(tests, target, tick_us, base="haproxy"):
    """The target's CPU per request over the base's (haproxy's), paired per round: the median and its interval."""
    ratios = [a / b for a, b in zip(cpu_rounds(tests, target, tick_us), cpu_rounds(tests, base, tick_us)) if b]
    ratio, interval = median_interval(ratios)
    return f"{target} {ratio:.3f}x ({interval_text(interval, len(ratios), 3)})"


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "| --- " + "| ---: " * (len(header) - 1) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def throughput_suite(suite, tests, tick_us, checks):
    names = list(tests)
    roles = roles_of(suite)
    direct, relay, lens, bare = roles["direct"], roles["relay"], roles["lens"], roles["bare"]
    targets = targets_of(tests)
    header = ["target"] + [f"{t} ops/s" for t in names] + [f"{t} vs {direct}" for t in names]
    header += [f"{t} vs {relay}" for t in names] + ["proxy CPU µs/request"]
    body = []
    for target in targets:
        row = [target]
        row += [f"{median(tests[t][(target, r)]['rps'] for r in rounds_of(tests[t])):.0f}" for t in names]
        row += [f"{paired_ratio(tests[t], target, direct):.3f}" if direct in targets else "-" for t in names]
        row += [f"{paired_ratio(tests[t], target, relay):.3f}" if relay in targets else "-" for t in names]
        row.append("-" if target == direct else f"{cpu_per_request(tests, target, tick_us):.2f}")
        body.append(row)
    print(f"\n### redis-benchmark {suite}\n")
    print(table(header, body))
    compared = [target for target in (lens, bare) if target in targets]
    if relay in targets and compared:
        print(f"\nProxy CPU per request over {relay}'s, paired per round: "
              + ", ".join(cpu_ratio_text(tests, target, tick_us, relay) for target in compared) + ".")
    if lens not in targets:
        return
    for t in names:
        if relay in targets:
            checks.append((f"{suite} {t}: {lens} ops/s >= {relay}'s", *ratio_check(tests[t], lens, relay, 1.0)))
        if bare in targets:
            checks.append((f"{suite} {t}: telemetry on within 5% of --no-telemetry",
                           *ratio_check(tests[t], lens, bare, 0.95)))
        if "lens-insight" in targets and "-P 16" in suite:
            checks.append((f"{suite} {t}: hot keys on within 5% of off",
                           *ratio_check(tests[t], "lens-insight", lens, 0.95)))
    # The CPU bound is issue 6's, for plaintext; TLS's crypto is most of a TLS proxy's CPU.
    if "-P 16" in suite and roles is PLAIN_ROLES:
        cpu = cpu_per_request(tests, lens, tick_us)
        checks.append((f"{suite}: lens CPU <= 1.0 µs/request", met(cpu <= 1.0), f"{cpu:.2f} µs"))


def latency_suite(suite, tests, tick_us, checks):
    roles = roles_of(suite)
    direct, relay_name, lens_name = roles["direct"], roles["relay"], roles["lens"]
    for test, rows in tests.items():
        targets = targets_of({test: rows})
        header = ["target", "ops/s", "p50 µs", "mean µs", "added p50 µs", "added mean µs", "proxy CPU µs/request"]
        body = []
        for target in targets:
            rs = rounds_of(rows)
            body.append([
                target, f"{median(rows[(target, r)]['rps'] for r in rs):.0f}",
                f"{median(rows[(target, r)]['p50'] for r in rs):.0f}",
                f"{median(rows[(target, r)]['avg'] for r in rs):.1f}",
                "-" if target == direct or direct not in targets
                else f"{paired_difference(rows, target, direct, 'p50'):.0f}",
                "-" if target == direct or direct not in targets
                else f"{paired_difference(rows, target, direct, 'avg'):.1f}",
                "-" if target == direct else f"{cpu_per_request({test: rows}, target, tick_us):.2f}",
            ])
        print(f"\n### redis-benchmark {suite} ({test}, round-trip latency)\n")
        print(table(header, body))
        if not {direct, relay_name, lens_name} <= set(targets):
            continue
        for key, name in (("p50", "p50"), ("avg", "mean")):
            lens = paired_difference(rows, lens_name, direct, key)
            relay = paired_difference(rows, relay_name, direct, key)
            # Judged on the per-round difference lens - haproxy (direct's share cancels).
            excess = [rows[(lens_name, r)][key] - rows[(relay_name, r)][key] for r in rounds_of(rows)]
            estimate, interval = median_interval(excess)
            checks.append((f"{suite}: {lens_name} adds no more {name} latency than {relay_name}",
                           judge(estimate, interval, 0.0, False),
                           f"{lens:.1f} vs {relay:.1f} µs ({lens_name} - {relay_name} {estimate:+.1f} µs, "
                           f"{interval_text(interval, len(excess), 1)})"))


def suite_shape(suite):
    """A suite label's redis-benchmark -c and -P (redis-benchmark's defaults 50 and 1 when absent)."""
    words = suite.split()
    value = lambda flag, default: int(words[words.index(flag) + 1]) if flag in words[:-1] else default
    return value("-c", 50), value("-P", 1)


def pass_fail(estimate, interval, bound, at_least):
    """Issue 30's verdict: PASS when the median over rounds meets the bound, else FAIL; with
    six rounds or more, also whether the 95% interval of that median contains the bound (the
    run cannot then tell the result from its round-to-round noise)."""
    meets = (lambda value: value >= bound) if at_least else (lambda value: value <= bound)
    verdict = "PASS" if meets(estimate) else "**FAIL**"
    if interval is not None and meets(interval[0]) != meets(interval[1]):
        verdict += " (within noise)"
    return verdict


def shared_ratio_check(rows, target, base, bound):
    ratios = paired_ratios(rows, target, base)
    ratio, interval = median_interval(ratios)
    return pass_fail(ratio, interval, bound, True), f"{ratio:.3f}x ({interval_text(interval, len(ratios), 2)})"


def shared_suite(suite, tests, tick_us, checks):
    """--shared (issue 30): per test, every target's ops/s and ratios, Redis's CPU per
    request and connection count, the proxy's CPU per request and p50; then the goals that
    apply to the suite's -c and -P."""
    connections, pipeline = suite_shape(suite)
    for test, rows in tests.items():
        targets = targets_of({test: rows})
        rs = rounds_of(rows)
        over = lambda target, base: "-" if base not in targets else f"{paired_ratio(rows, target, base):.3f}"
        header = ["target", "ops/s", "vs direct", "vs haproxy", "vs twemproxy", "Redis CPU µs/request",
                  "Redis connections", "before run", "proxy CPU µs/request", "p50 µs", "added p50 µs"]
        body = []
        for target in targets:
            body.append([
                target, f"{median(rows[(target, r)]['rps'] for r in rs):.0f}",
                over(target, "direct"), over(target, "haproxy"), over(target, "twemproxy"),
                f"{cpu_per_request({test: rows}, target, tick_us, 'redis_ticks'):.2f}",
                f"{median(rows[(target, r)]['clients_max'] for r in rs):.0f}",
                f"{median(rows[(target, r)]['clients_before'] for r in rs):.0f}",
                "-" if target == "direct" else f"{cpu_per_request({test: rows}, target, tick_us):.2f}",
                f"{median(rows[(target, r)]['p50'] for r in rs):.0f}",
                "-" if target == "direct" or "direct" not in targets
                else f"{paired_difference(rows, target, 'direct', 'p50'):.0f}",
            ])
        print(f"\n### redis-benchmark {suite} ({test})\n")
        print(table(header, body))
        if "lens-shared" not in targets:
            continue
        if (connections, pipeline) == (50, 1):
            if "direct" in targets:
                checks.append((f"{suite} {test}: lens-shared ops/s >= 1.1x direct",
                               *shared_ratio_check(rows, "lens-shared", "direct", 1.1)))
            if "twemproxy" in targets:
                checks.append((f"{suite} {test}: lens-shared ops/s >= twemproxy's",
                               *shared_ratio_check(rows, "lens-shared", "twemproxy", 1.0)))
        if (connections, pipeline) == (50, 16) and "haproxy" in targets:
            checks.append((f"{suite} {test}: lens-shared ops/s >= haproxy's",
                           *shared_ratio_check(rows, "lens-shared", "haproxy", 1.0)))
        if connections == 1 and {"direct", "haproxy"} <= set(targets):
            shared = paired_difference(rows, "lens-shared", "direct", "p50")
            relay = paired_difference(rows, "haproxy", "direct", "p50")
            # Judged on the per-round difference lens-shared - haproxy (direct's share cancels).
            excess = [rows[("lens-shared", r)]["p50"] - rows[("haproxy", r)]["p50"] for r in rs]
            estimate, interval = median_interval(excess)
            checks.append((f"{suite} {test}: lens-shared adds no more p50 latency over direct than haproxy",
                           pass_fail(estimate, interval, 0.0, False),
                           f"{shared:.1f} vs {relay:.1f} µs (lens-shared - haproxy {estimate:+.1f} µs, "
                           f"{interval_text(interval, len(excess), 1)})"))
    if (connections, pipeline) == (50, 1) and {"direct", "lens-shared"} <= set(targets_of(tests)):
        # Over the suite's tests (SET and GET), per round, as the proxy's CPU: ticks are 10 ms.
        shared = cpu_rounds(tests, "lens-shared", tick_us, "redis_ticks")
        direct = cpu_rounds(tests, "direct", tick_us, "redis_ticks")
        ratio, interval = median_interval([a / b for a, b in zip(shared, direct) if b])
        checks.append((f"{suite}: Redis CPU per request through lens-shared <= 1/4 of direct's",
                       pass_fail(ratio, interval, 0.25, False),
                       f"{median(shared):.2f} vs {median(direct):.2f} µs, paired ratio {ratio:.3f} "
                       f"({interval_text(interval, len(shared), 3)})"))


def bench_workload(label, report):
    targets = {t["name"]: t for t in report["targets"]}
    haproxy = [run["ops_per_second"] for run in targets["haproxy"]["runs"]]
    header = ["target", "ops/s", "min..max", "vs direct", "vs haproxy", "p50 µs", "p99 µs", "p99.9 µs", "errors",
              "hits"]
    body = []
    for name in [t for t in ALL_TARGETS if t in targets]:
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


def memory(samples, checks):
    idle = [(m["target"], m["rss_kib_before"], m["rss_kib_with_idle"]) for m in samples["idle"]]
    soak = [(m["target"], str(m["seconds"]), m["rss_kib"]) for m in samples["soak"]]
    if idle:
        print("\n### Memory: 1,000 idle client connections (VmRSS)\n")
        body = [[name, f"{int(before) / 1024:.1f}", f"{int(after) / 1024:.1f}"] for name, before, after in idle]
        print(table(["proxy", "RSS before MiB", "RSS with 1,000 idle MiB"], body))
        for name, _, after in idle:
            if name == "lens":
                checks.append(("1,000 idle connections: lens RSS < 100 MiB",
                               met(int(after) < 100 * 1024), f"{int(after) / 1024:.1f} MiB"))
    if soak:
        print("\n### Memory: redis-lens VmRSS under -P 16 load (mixed, 50 connections)\n")
        print(table(["seconds", "RSS MiB"], [[s, f"{int(kib) / 1024:.1f}"] for _, s, kib in soak]))
        settled = [int(kib) for _, s, kib in soak if int(s) >= 10] or [int(soak[-1][2])]
        growth = settled[-1] - settled[0]
        checks.append(("-P 16 load: lens RSS does not grow after 10 s (last <= first + max(5%, 2 MiB))",
                       met(growth <= max(settled[0] * 0.05, 2048)),
                       f"{settled[0] / 1024:.1f} -> {settled[-1] / 1024:.1f} MiB"))


def collect(args):
    """The run's raw numbers, as --save writes them."""
    runs = read_results(args.results, args.clock_ticks)
    seen = {run["target"] for run in runs}
    return dict(
        format="redis-lens compare.sh run, version 1",
        started=args.started, commit=args.commit, command=args.command, machine=args.machine,
        clock_ticks_per_second=args.clock_ticks, targets=[t for t in ALL_TARGETS if t in seen] or TARGETS,
        redis_benchmark=runs,
        redis_proxy_bench=[dict(workload=label, report=json.load(open(path)))
                           for label, path in (item.rsplit("=", 1) for item in args.bench)],
        memory=read_memory(args.memory),
    )


def render(data):
    tick_us = 1e6 / data["clock_ticks_per_second"]
    print(f"`{data['command']}`\n\n{data['machine']}. Ratios: per round, then the median over rounds. Proxy CPU: "
          f"utime + stime from /proc/PID/stat over a round's redis-benchmark runs of the suite, per request, "
          f"then the median over rounds (resolution {tick_us / 1000:.0f} ms per run).")
    checks = []
    suites = load_runs(data["redis_benchmark"])
    if any(suite.startswith(SHARED_PREFIX) for suite in suites):
        print("\nShared comparison (issue 30), a table per suite and test. Redis CPU: utime + stime of "
              "redis-server from /proc/PID/stat around each run, per request, the median over rounds (proxy CPU "
              "likewise, per test). Redis connections: INFO clients' connected_clients, the median over rounds "
              "of the most seen during a run (sampled every 0.1 s) and of the count just before it; both include "
              "the sampling redis-cli and the upstream connections the other targets keep open while idle.")
    for suite, tests in suites.items():
        if suite.startswith(SHARED_PREFIX):
            shared_suite(suite, tests, tick_us, checks)
        elif suite.endswith("-c 1"):
            latency_suite(suite, tests, tick_us, checks)
        else:
            throughput_suite(suite, tests, tick_us, checks)
    for workload in data["redis_proxy_bench"]:
        bench_workload(workload["workload"], workload["report"])
    memory(data["memory"], checks)
    plain = [check for check in checks if not check[0].startswith((TLS_PREFIX, SHARED_PREFIX))]
    tls = [check for check in checks if check[0].startswith(TLS_PREFIX)]
    shared = [check for check in checks if check[0].startswith(SHARED_PREFIX)]
    if plain:
        print("\n### Goal check (issue 6)\n")
        print(table(["goal", "measured", "met"], [[goal, value, met] for goal, met, value in plain]))
    if tls:
        print("\n### TLS check (issue 26: issue 6's goals with TLS on both sides, against haproxy)\n")
        print(table(["goal", "measured", "met"], [[goal, value, met] for goal, met, value in tls]))
    if shared:
        print("\n### Shared connections check (issue 30)\n")
        print(table(["goal", "measured", "verdict"], [[goal, value, met] for goal, met, value in shared]))
        print("\nPASS or FAIL by the median over rounds; \"within noise\" when the 95% confidence interval of that "
              "median (six rounds or more) contains the goal's bound.")
    if not plain and not tls:
        return
    print("\nRatios and latency differences are judged with the distribution-free 95% confidence interval of "
          "their median over rounds: *yes* when the whole interval meets the goal, *parity* when it contains "
          "the goal's bound (the run cannot tell the difference from its round-to-round noise: the goal is "
          "neither shown nor refuted), **no** when the whole interval misses it. With fewer than six rounds "
          "the median alone decides.")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--load", help="print the report of a file written by --save (no other option needed)")
    parser.add_argument("--results")
    parser.add_argument("--memory")
    parser.add_argument("--bench", action="append", default=[])
    parser.add_argument("--clock-ticks", type=int)
    parser.add_argument("--command")
    parser.add_argument("--machine")
    parser.add_argument("--started", help="UTC start of the run, for --save")
    parser.add_argument("--commit", help="the build's git commit, for --save")
    parser.add_argument("--save", help="also write the run's raw numbers to this JSON file")
    args = parser.parse_args()
    if args.load:
        data = json.load(open(args.load))
    else:
        missing = [name for name in ("results", "memory", "clock_ticks", "command", "machine")
                   if getattr(args, name) is None]
        if missing:
            parser.error("without --load, these are required: " + ", ".join("--" + m.replace("_", "-") for m in missing))
        data = collect(args)
    if args.save:
        with open(args.save, "w") as file:
            json.dump(data, file, indent=1)
            file.write("\n")
    render(data)


if __name__ == "__main__":
    main()
