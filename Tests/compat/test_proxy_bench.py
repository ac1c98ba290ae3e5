"""Smoke runs of redis-proxy-bench (built next to redis-lens) against a real redis-server,
directly and through redis-lens: the output is sane and the server saw the traffic.
No performance assertion: the numbers are whatever this machine gives."""

import json
import os
import subprocess

import pytest

BENCH_ENV = "REDIS_PROXY_BENCH_BIN"


@pytest.fixture(scope="session")
def bench_bin(lens_bin):
    path = os.environ.get(BENCH_ENV) or os.path.join(os.path.dirname(lens_bin), "redis-proxy-bench")
    assert os.path.isfile(path) and os.access(path, os.X_OK), f"{path} is not built (swift build)"
    return path


def run_bench(bench_bin, *args, timeout=120):
    env = {k: v for k, v in os.environ.items() if not k.startswith("REDIS_PROXY_BENCH_")}
    return subprocess.run([bench_bin, *args], capture_output=True, text=True, timeout=timeout, env=env,
                          stdin=subprocess.DEVNULL)


def bench_json(bench_bin, *args):
    proc = run_bench(bench_bin, *args, "--json")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == "", proc.stderr  # no progress line when stderr is not a terminal
    return json.loads(proc.stdout)


def calls(server, command):
    return server.client().info("commandstats").get(f"cmdstat_{command}", {}).get("calls", 0)


def test_direct_and_proxy_interleaved_with_hit_ratio(bench_bin, server, proxy):
    report = bench_json(bench_bin, "--target", f"direct=127.0.0.1:{server.port}",
                        "--target", f"lens=127.0.0.1:{proxy.port}", "--connections", "4", "--pipeline", "8",
                        "--requests", "4000", "--repeat", "2", "--keyspace", "1000", "--hit-ratio", "0.4")
    assert [t["name"] for t in report["targets"]] == ["direct", "lens"]
    assert report["configuration"]["hit_ratio"] == 0.4
    for target in report["targets"]:
        assert len(target["runs"]) == 2
        assert target["requests"] == 8000 and target["errors"] == 0
        assert all(run["ops_per_second"] > 0 and run["hits"] + run["misses"] == 4000 for run in target["runs"])
        assert abs(target["hit_ratio"] - 0.4) < 0.05, target["hit_ratio"]
        latency = target["latency_microseconds"]
        assert 0 < latency["p50"] <= latency["p95"] <= latency["p99"] <= latency["p99_9"] <= latency["max"]
        spread = target["ops_per_second"]
        assert spread["min"] <= spread["median"] <= spread["max"]
    assert report["targets"][0]["ratio_to_first"] == {"median": 1.0, "min": 1.0, "max": 1.0}
    assert report["targets"][1]["ratio_to_first"]["median"] > 0
    # Every request reached Redis: 2 targets x 2 runs x 4000 GETs, and the set-up wrote 400 keys per target.
    assert calls(server, "get") == 16_000
    assert calls(server, "set") == 800
    db = server.client()
    assert db.exists(*[f"bench:k:{i}" for i in range(400)]) == 400
    assert db.exists(*[f"bench:k:{i}" for i in range(400, 1000)]) == 0


@pytest.mark.parametrize("workload,commands", [
    ("set", {"set": 600}),
    ("incr", {"incr": 600}),
    ("lpush-lpop", {"lpush": 300, "lpop": 300}),
    ("hset-hget", {"hset": None, "hget": None}),
    ("mixed", {"get": None, "set": None}),
    ("mget", {"mget": 600}),
])
def test_each_workload_sends_its_commands(bench_bin, server, workload, commands):
    report = bench_json(bench_bin, "--target", f"r=127.0.0.1:{server.port}", "--workload", workload,
                        "--connections", "3", "--pipeline", "4", "--requests", "600", "--value-size", "10-100")
    target = report["targets"][0]
    assert target["requests"] == 600 and target["errors"] == 0
    total = 0
    for command, expected in commands.items():
        seen = calls(server, command)
        assert seen > 0, command
        if expected is not None:
            assert seen == expected, (command, seen)
        total += seen
    assert total == 600


def test_open_loop_rate_spreads_requests_over_time(bench_bin, server):
    report = bench_json(bench_bin, "--target", f"r=127.0.0.1:{server.port}", "--rate", "4000",
                        "--connections", "2", "--requests", "2000", "--warmup", "100ms")
    target = report["targets"][0]
    assert target["requests"] == 2000 and target["errors"] == 0
    # The schedule sends the last request no earlier than 1999 / 4000 s after the first.
    assert target["runs"][0]["seconds"] >= 0.49
    assert calls(server, "get") > 2000  # the warm-up ran too


def test_table_output(bench_bin, server):
    proc = run_bench(bench_bin, "--target", f"only=127.0.0.1:{server.port}", "--requests", "500",
                     "--connections", "2", "--pipeline", "2")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("get, 2 connections, pipeline 2, 500 requests per run")
    assert lines[1].split()[:2] == ["target", "ops/s"]
    assert lines[2].split()[0] == "only" and len(lines) == 3


@pytest.mark.parametrize("args,message", [
    (["--pipeline", "0"], "invalid --pipeline: '0' is not a whole number in 1...10000"),
    (["--workload", "scan"], "invalid --workload: 'scan' is not a workload"),
    (["--requests", "5", "--duration", "1s"], "--requests and --duration exclude each other; give one"),
    (["--nope"], "Unknown option '--nope'"),
])
def test_bad_arguments_exit_2_with_one_line(bench_bin, args, message):
    proc = run_bench(bench_bin, *args)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("redis-proxy-bench: error: ")
    assert message in proc.stderr


def test_unreachable_target_exits_1(bench_bin):
    from conftest import free_port
    port = free_port()
    proc = run_bench(bench_bin, "--target", f"gone=127.0.0.1:{port}", "--requests", "10")
    assert proc.returncode == 1
    assert proc.stderr == f"redis-proxy-bench: error: gone (127.0.0.1:{port}): cannot connect: Connection refused\n"
