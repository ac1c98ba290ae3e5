"""redis-cli and redis-benchmark against the proxy."""

import re
import subprocess

from conftest import encode


def cli(proxy, *args, stdin=None, timeout=60):
    proc = subprocess.run(["redis-cli", "-h", "127.0.0.1", "-p", str(proxy.port), *args], input=stdin,
                          capture_output=True, timeout=timeout)
    return proc.returncode, proc.stdout.decode(), proc.stderr.decode()


def test_redis_cli_commands(server, proxy):
    assert cli(proxy, "PING") == (0, "PONG\n", "")
    assert cli(proxy, "SET", "cli:k", "hello world")[1] == "OK\n"
    assert cli(proxy, "GET", "cli:k")[1] == "hello world\n"
    assert cli(proxy, "RPUSH", "cli:l", "a", "b", "c")[1] == "3\n"
    assert cli(proxy, "LRANGE", "cli:l", "0", "-1")[1] == "a\nb\nc\n"
    assert cli(proxy, "--no-raw", "LRANGE", "cli:l", "0", "-1")[1] == '1) "a"\n2) "b"\n3) "c"\n'
    code, out, _ = cli(proxy, "NOSUCHCOMMAND")
    assert out.startswith("ERR unknown command 'NOSUCHCOMMAND'")
    assert cli(proxy, "-n", "4", "SET", "cli:db4", "x")[1] == "OK\n"
    assert server.client(db=4).get("cli:db4") == b"x"


def test_redis_cli_resp3(proxy):
    code, out, err = cli(proxy, "-3", "--no-raw", "HGETALL", "cli:none")
    assert code == 0 and out == "(empty hash)\n", (out, err)


def test_redis_cli_commands_from_stdin(proxy):
    code, out, err = cli(proxy, stdin=b"PING\r\n")
    assert (code, out) == (0, "PONG\n"), err
    code, out, err = cli(proxy, stdin=b"SET cli:in 1\nINCR cli:in\nGET cli:in\n")
    assert out == "OK\n2\n2\n", err


def test_redis_cli_pipe_mode(server, proxy):
    payload = b"".join(encode("SET", f"cli:pipe:{i}", f"v{i}") for i in range(10_000))
    code, out, err = cli(proxy, "--pipe", stdin=payload, timeout=120)
    assert code == 0, (out, err)
    assert "errors: 0, replies: 10000" in out, out
    assert server.client().get("cli:pipe:9999") == b"v9999"


def test_redis_cli_with_password_as_with_redis(redis_factory, lens_factory):
    server = redis_factory(password="clipw")
    proxy = lens_factory(server)  # the URL's password is the proxy's own, not the client's
    assert cli(proxy, "PING") == cli(server, "PING")
    assert cli(proxy, "PING")[1].startswith("NOAUTH Authentication required.")
    code, out, err = cli(proxy, "-a", "clipw", "--no-auth-warning", "ACL", "WHOAMI")
    assert out == "default\n", (out, err)


BENCH_ROW = re.compile(r"^(SET|GET): ([\d.]+) requests per second", re.MULTILINE)


def benchmark(proxy, *extra):
    proc = subprocess.run(["redis-benchmark", "-h", "127.0.0.1", "-p", str(proxy.port), "-t", "get,set",
                           "-n", "20000", "-q", *extra], capture_output=True, timeout=300)
    out = proc.stdout.decode().replace("\r", "\n")
    return proc.returncode, out, proc.stderr.decode()


def check_benchmark(code, out, err):
    assert code == 0, (out, err)
    assert "error" not in (out + err).lower(), (out, err)
    rows = dict((name, float(rate)) for name, rate in BENCH_ROW.findall(out))
    assert set(rows) == {"SET", "GET"}, out
    assert all(rate > 0 for rate in rows.values()), rows


def test_redis_benchmark(server, proxy):
    check_benchmark(*benchmark(proxy))
    assert server.client().get("key:__rand_int__") is not None


def test_redis_benchmark_pipelined(server, proxy):
    check_benchmark(*benchmark(proxy, "-P", "16"))
    stats = server.client().info("commandstats")
    assert stats["cmdstat_set"]["calls"] >= 20_000 and stats["cmdstat_get"]["calls"] >= 20_000
