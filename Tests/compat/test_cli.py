"""Command line: validation errors, environment variables, secrets in logs, signals."""

import signal
import socket
import subprocess
import time

import pytest

from conftest import LOOPBACK, Background, encode, free_port, lens_env, wait_blocked, wait_until


def run_lens(lens_bin, args, env=None, timeout=20):
    """Runs redis-lens expecting it to exit by itself; returns (code, stdout, stderr)."""
    listen = ["--listen", f"{LOOPBACK}:{free_port()}", "--admin-listen", f"{LOOPBACK}:{free_port()}"]
    proc = subprocess.Popen([lens_bin, *listen, *args], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=lens_env(env))
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise AssertionError(f"redis-lens {args} kept running; it should have refused the configuration")
    return proc.returncode, out.decode(), err.decode()


BAD_VALUES = [
    pytest.param(["--listen", "nope"], None, "--listen", id="listen-no-port"),
    pytest.param(["--listen", "127.0.0.1:99999"], None, "--listen", id="listen-port-range"),
    pytest.param(["--upstream", "http://x"], None, "--upstream", id="upstream-scheme"),
    pytest.param(["--upstream", "redis://127.0.0.1:6379/abc"], None, "--upstream", id="upstream-db"),
    pytest.param(["--pool-max", "0"], None, "--pool-max", id="pool-max-zero"),
    pytest.param(["--pool-min-idle", "-1"], None, "--pool-min-idle", id="pool-min-idle-negative"),
    pytest.param(["--pool-wait-timeout", "0"], None, "--pool-wait-timeout", id="pool-wait-timeout-zero"),
    pytest.param(["--connect-timeout", "soon"], None, "--connect-timeout", id="connect-timeout-text"),
    pytest.param(["--max-bulk-length", "0"], None, "--max-bulk-length", id="max-bulk-length-zero"),
    pytest.param(["--threads", "0"], None, "--threads", id="threads-zero"),
    pytest.param(["--log-level", "loud"], None, "--log-level", id="log-level"),
    pytest.param(["--log-format", "xml"], None, "--log-format", id="log-format"),
    pytest.param(["--info-interval", "-1"], None, "--info-interval", id="info-interval-negative"),
    pytest.param(["--info-interval", "often"], None, "--info-interval", id="info-interval-text"),
    pytest.param(["--slow-threshold", "5x"], None, "--slow-threshold", id="slow-threshold-unit"),
    pytest.param(["--slow-threshold", "2h"], None, "--slow-threshold", id="slow-threshold-range"),
    pytest.param(["--slowlog-size", "100001"], None, "--slowlog-size", id="slowlog-size-range"),
    pytest.param(["--key-prefix-depth", "17"], None, "--key-prefix-depth", id="key-prefix-depth-range"),
    pytest.param(["--client-label", "ip"], None, "invalid --client-label: 'ip' is not a client label",
                 id="client-label-value"),
    pytest.param([], {"REDIS_LENS_CLIENT_LABEL": "x"}, "invalid REDIS_LENS_CLIENT_LABEL:", id="client-label-env"),
    pytest.param(["--max-clients-labelled", "-1"], None, "--max-clients-labelled", id="max-clients-labelled-negative"),
    pytest.param(["--max-clients-labelled", "many"], None, "--max-clients-labelled", id="max-clients-labelled-text"),
    pytest.param(["--key-prefix-depth", "1", "--max-prefixes", "0"], None, "--max-prefixes", id="max-prefixes-zero"),
    pytest.param(["--key-prefix-depth", "1", "--key-prefix-delimiter", "::"], None, "--key-prefix-delimiter",
                 id="key-prefix-delimiter-two-bytes"),
    pytest.param(["--activity-log", "1.5"], None, "invalid --activity-log: '1.5' is not a sample ratio",
                 id="activity-log-range"),
    pytest.param(["--activity-log", "x"], None, "invalid --activity-log: 'x' is not a sample ratio",
                 id="activity-log-text"),
    pytest.param(["--activity-log", "1", "--activity-log-prefix", "two words"], None, "invalid --activity-log-prefix:",
                 id="activity-log-prefix-space"),
    pytest.param(["--activity-log", "1", "--loki-url", "ftp://loki"], None,
                 "invalid --loki-url: 'ftp://loki' is not an http", id="loki-url-scheme"),
    pytest.param(["--activity-log", "1", "--loki-url", "http://u:p@loki"], None, "invalid --loki-url:",
                 id="loki-url-credentials"),
    pytest.param(["--loki-url", "http://127.0.0.1:3100"], None, "--loki-url needs --activity-log",
                 id="loki-url-without-activity-log"),
    pytest.param(["--activity-log", "1", "--no-telemetry"], None, "--activity-log needs telemetry",
                 id="activity-log-without-telemetry"),
    pytest.param(["--tls-cert-file", "/x.crt"], None, "--tls-cert-file needs --tls-listen", id="tls-cert-no-listen"),
    pytest.param(["--tls-auth-clients", "no"], None, "--tls-auth-clients needs --tls-listen", id="tls-auth-no-listen"),
    pytest.param(["--tls-listen", "127.0.0.1:1", "--tls-auth-clients", "maybe", "--tls-cert-file", "/x"], None,
                 "invalid --tls-auth-clients: 'maybe' is not yes, no or optional", id="tls-auth-clients-value"),
    pytest.param(["--tls-listen", "127.0.0.1:1", "--tls-protocols", "SSLv3"], None, "invalid --tls-protocols",
                 id="tls-protocols"),
    pytest.param(["--tls-listen", "127.0.0.1:1", "--tls-cert-file", "/nonexistent.crt", "--tls-key-file", "/k"],
                 None, "--tls-cert-file /nonexistent.crt: No such file or directory", id="tls-cert-missing"),
    pytest.param(["--tls-listen", "127.0.0.1:1"], None, "TLS on the client side needs --tls-cert-file",
                 id="tls-listen-without-cert"),
    pytest.param(["--listen", "none"], None, "--listen none needs --tls-listen", id="listen-none-alone"),
    pytest.param(["--upstream-tls-ca-cert-file", "/ca.crt"], None,
                 "--upstream-tls-ca-cert-file needs a rediss:// --upstream", id="upstream-tls-without-rediss"),
    pytest.param(["--upstream-tls-insecure-skip-verify"], None,
                 "--upstream-tls-insecure-skip-verify needs a rediss:// --upstream", id="skip-verify-without-rediss"),
    pytest.param(["--upstream", "rediss://127.0.0.1:1", "--upstream-tls-ca-cert-file", "/nonexistent-ca.crt"], None,
                 "--upstream-tls-ca-cert-file /nonexistent-ca.crt: No such file", id="upstream-ca-missing"),
    pytest.param(["--upstream", "redis+cluster://127.0.0.1:7000/1"], None, "a cluster has only database 0",
                 id="cluster-db"),
    pytest.param(["--upstream", "redis+cluster://127.0.0.1:7000,"], None, "needs seed nodes", id="cluster-no-seed"),
    pytest.param(["--upstream", "redis+cluster://127.0.0.1:x"], None, "--upstream", id="cluster-seed-port"),
    pytest.param(["--upstream", "redis+cluster://127.0.0.1:7000", "--upstream-tls-ca-cert-file", "/ca.crt"], None,
                 "--upstream-tls-ca-cert-file needs a rediss:// --upstream", id="cluster-tls-flag-without-rediss"),
    pytest.param(["--cluster-listen-base", "7000"], None, "--cluster-listen-base needs a redis+cluster://",
                 id="cluster-base-without-cluster"),
    pytest.param(["--announce-host", "h"], None, "--announce-host needs a redis+cluster://", id="announce-alone"),
    pytest.param(["--upstream", "redis+cluster://127.0.0.1:7000", "--listen", "0.0.0.0:6380"], None,
                 "set --announce-host", id="cluster-wildcard-without-announce"),
    pytest.param(["--upstream", "redis+cluster://127.0.0.1:7000", "--cluster-listen-base", "65530"], None,
                 "leaves no room for 64 node ports", id="cluster-base-range"),
    pytest.param(["--upstream", "redis+cluster://127.0.0.1:7000", "--cluster-max-nodes", "0"], None,
                 "--cluster-max-nodes", id="cluster-max-nodes-zero"),
    pytest.param(["--upstream", "redis+cluster://127.0.0.1:7000", "--listen", "127.0.0.1:0"], None,
                 "needs --cluster-listen-base", id="cluster-listen-port-0"),
    pytest.param(["--upstream", "redis+cluster://127.0.0.1:7000", "--listen", "127.0.0.1:7000",
                  "--cluster-listen-base", "6990"], None, "overlap --listen", id="cluster-ports-overlap"),
    pytest.param([], {"REDIS_LENS_UPSTREAM": "redis+cluster://h:1", "REDIS_LENS_CLUSTER_REFRESH_INTERVAL": "0"},
                 "REDIS_LENS_CLUSTER_REFRESH_INTERVAL", id="env-cluster-refresh-interval"),
    pytest.param(["--bogus-flag", "1"], None, "--bogus-flag", id="unknown-flag"),
    pytest.param(["--upstream", "redis+sentinel:///mymaster"], None, "invalid --upstream: redis+sentinel:// URL names no sentinel",
                 id="sentinel-none"),
    pytest.param(["--upstream", "redis+sentinel://127.0.0.1:26379"], None,
                 "invalid --upstream: redis+sentinel:// URL names no master", id="sentinel-no-master"),
    pytest.param(["--upstream", "redis+sentinel://127.0.0.1:26379/"], None,
                 "invalid --upstream: redis+sentinel:// URL names no master", id="sentinel-empty-master"),
    pytest.param(["--upstream", "redis+sentinel://127.0.0.1:26379,127.0.0.1:99999/mymaster"], None,
                 "invalid --upstream: '127.0.0.1:99999' has no valid port", id="sentinel-port-range"),
    pytest.param(["--upstream", "redis+sentinel://127.0.0.1:0/mymaster"], None,
                 "invalid --upstream: sentinel port in '127.0.0.1:0' must be 1-65535", id="sentinel-port-zero"),
    pytest.param(["--upstream", "redis+sentinel://127.0.0.1:x/mymaster"], None, "invalid --upstream:",
                 id="sentinel-port-text"),
    pytest.param(["--upstream", "redis+sentinel://127.0.0.1:26379,,127.0.0.1:26380/mymaster"], None,
                 "invalid --upstream: redis+sentinel:// URL has an empty sentinel address", id="sentinel-empty-entry"),
    pytest.param(["--upstream", "redis+sentinel://127.0.0.1:26379/mymaster/x"], None,
                 "invalid --upstream: upstream database 'x'", id="sentinel-db"),
    pytest.param(["--upstream", "rediss+sentinel://127.0.0.1:26379/mymaster"], None,
                 "rediss+sentinel:// is not supported", id="sentinel-tls"),
    pytest.param(["--sentinel-password", "x"], None, "--sentinel-password needs a redis+sentinel:// --upstream",
                 id="sentinel-password-without-sentinel"),
    pytest.param([], {"REDIS_LENS_SENTINEL_USERNAME": "u"}, "--sentinel-username needs a redis+sentinel:// --upstream",
                 id="env-sentinel-username-without-sentinel"),
    pytest.param(["--pool-max"], None, "--pool-max", id="missing-value"),
    pytest.param([], {"REDIS_LENS_POOL_MAX": "abc"}, "REDIS_LENS_POOL_MAX", id="env-pool-max"),
    pytest.param([], {"REDIS_LENS_UPSTREAM": "http://x"}, "REDIS_LENS_UPSTREAM", id="env-upstream"),
    pytest.param([], {"REDIS_LENS_LOG_LEVEL": "loud"}, "REDIS_LENS_LOG_LEVEL", id="env-log-level"),
    pytest.param(["--trace-sample-ratio", "1.5"], None, "--trace-sample-ratio", id="sample-ratio-range"),
    pytest.param(["--trace-keep-slow", "maybe"], None, "--trace-keep-slow", id="keep-slow"),
    pytest.param(["--span-query-text", "all"], None, "--span-query-text", id="span-query-text"),
    pytest.param(["--otlp-endpoint", "grpc://127.0.0.1:4317"], None, "--otlp-endpoint", id="otlp-endpoint"),
    pytest.param(["--otlp-headers", "no-equals"], None, "--otlp-headers", id="otlp-headers"),
    pytest.param(["--otlp-protocol", "grpc"], None, "--otlp-protocol", id="otlp-protocol"),
    pytest.param([], {"OTEL_EXPORTER_OTLP_PROTOCOL": "http/xml"}, "OTEL_EXPORTER_OTLP_PROTOCOL",
                 id="env-otel-protocol"),
    pytest.param(["--otlp-timeout", "0"], None, "--otlp-timeout", id="otlp-timeout"),
    pytest.param(["--otlp-batch-size", "0"], None, "--otlp-batch-size", id="otlp-batch-size"),
    pytest.param(["--otlp-flush-interval", "-1"], None, "--otlp-flush-interval", id="otlp-flush-interval"),
    pytest.param(["--otlp-max-queue", "many"], None, "--otlp-max-queue", id="otlp-max-queue"),
    pytest.param([], {"OTEL_EXPORTER_OTLP_ENDPOINT": "collector:4318"}, "OTEL_EXPORTER_OTLP_ENDPOINT",
                 id="env-otel-endpoint"),
    pytest.param([], {"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "x"}, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
                 id="env-otel-traces-endpoint"),
    pytest.param([], {"OTEL_EXPORTER_OTLP_TIMEOUT": "10s"}, "OTEL_EXPORTER_OTLP_TIMEOUT", id="env-otel-timeout"),
    pytest.param([], {"OTEL_EXPORTER_OTLP_HEADERS": "a"}, "OTEL_EXPORTER_OTLP_HEADERS", id="env-otel-headers"),
    pytest.param([], {"OTEL_RESOURCE_ATTRIBUTES": "=x"}, "OTEL_RESOURCE_ATTRIBUTES", id="env-otel-resource"),
    pytest.param([], {"REDIS_LENS_TRACE_SAMPLE_RATIO": "x"}, "REDIS_LENS_TRACE_SAMPLE_RATIO", id="env-sample-ratio"),
    pytest.param(["--hotkeys-k", "0"], None, "--hotkeys-k", id="hotkeys-k-zero"),
    pytest.param(["--hotkeys-k", "many"], None, "--hotkeys-k", id="hotkeys-k-text"),
    pytest.param(["--hotkeys-window", "0s"], None, "--hotkeys-window", id="hotkeys-window-zero"),
    pytest.param(["--hotkeys-window", "soon"], None, "--hotkeys-window", id="hotkeys-window-text"),
    pytest.param(["--hotkeys", "--hotkeys-metrics", "-1"], None, "--hotkeys-metrics", id="hotkeys-metrics-negative"),
    pytest.param(["--hotkeys", "--hotkeys-k", "10", "--hotkeys-metrics", "11"], None, "--hotkeys-metrics",
                 id="hotkeys-metrics-above-k"),
    pytest.param(["--hotkeys-metrics", "5"], None, "--hotkeys-metrics needs --hotkeys", id="hotkeys-metrics-without"),
    pytest.param([], {"REDIS_LENS_HOTKEYS_WINDOW": "-1"}, "REDIS_LENS_HOTKEYS_WINDOW", id="env-hotkeys-window"),
    pytest.param([], {"REDIS_LENS_HOTKEYS_K": "x"}, "REDIS_LENS_HOTKEYS_K", id="env-hotkeys-k"),
]


@pytest.mark.parametrize("args, env, name", BAD_VALUES)
def test_bad_configuration_exits_2_with_one_line(lens_bin, args, env, name):
    code, out, err = run_lens(lens_bin, args, env)
    assert code == 2, (code, out, err)
    lines = err.splitlines()
    assert len(lines) == 1 and err.endswith("\n"), err
    assert lines[0].startswith("redis-lens: error: "), err
    assert name in lines[0], err


def test_bad_upstream_url_does_not_echo_password(lens_bin):
    code, out, err = run_lens(lens_bin, ["--upstream", "redis://:hunter2@127.0.0.1:notaport"])
    assert code == 2 and err.startswith("redis-lens: error: ") and "--upstream" in err
    assert "hunter2" not in out + err


def test_bad_sentinel_url_does_not_echo_password(lens_bin):
    code, out, err = run_lens(lens_bin, ["--upstream", "redis+sentinel://:hunter2@127.0.0.1:notaport/mymaster"])
    assert code == 2 and err.startswith("redis-lens: error: ") and "--upstream" in err
    assert "hunter2" not in out + err


def test_help_exits_0(lens_bin):
    code, out, err = run_lens(lens_bin, ["--help"])
    assert code == 0
    assert "--upstream" in out + err and "REDIS_LENS_" in out + err


def test_busy_listen_port_is_a_runtime_error(lens_bin, server):
    """A port that is taken: one error line and a non-zero exit (1, a runtime failure)."""
    with socket.socket() as busy:
        busy.bind((LOOPBACK, 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc = subprocess.Popen([lens_bin, "--listen", f"{LOOPBACK}:{port}", "--admin-listen",
                                 f"{LOOPBACK}:{free_port()}", "--upstream", server.url()],
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=lens_env())
        try:
            out, err = proc.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            proc.terminate()
            try:
                proc.communicate(timeout=10)
                after = f"SIGTERM then stopped it with exit code {proc.returncode}"
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.communicate()
                after = "it ignored SIGTERM too and had to be killed"
            raise AssertionError(f"redis-lens kept running for 15s although --listen port {port} is taken; "
                                 f"{after}") from None
    assert proc.returncode == 1, (proc.returncode, err)
    assert err.decode().startswith("redis-lens: error: ") and str(port) in err.decode(), err


# --------------------------------------------------------------------------- environment


def test_flag_beats_environment(server, lens_factory):
    env_port = free_port()
    proxy = lens_factory(server, "--pool-max", "50", "--log-level", "info",
                         env={"REDIS_LENS_LISTEN": f"{LOOPBACK}:{env_port}", "REDIS_LENS_POOL_MAX": "abc",
                              "REDIS_LENS_LOG_LEVEL": "loud", "REDIS_LENS_UPSTREAM": "redis://127.0.0.1:1"})
    assert proxy.client().ping() is True  # --listen and --upstream from the flags
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((LOOPBACK, env_port), timeout=5).close()


def test_environment_used_without_flags(server, lens_factory):
    proxy = lens_factory(None, env={"REDIS_LENS_UPSTREAM": server.url(), "REDIS_LENS_POOL_MAX": "1",
                                    "REDIS_LENS_POOL_MIN_IDLE": "0", "REDIS_LENS_POOL_WAIT_TIMEOUT": "0.5"})
    holder = proxy.client()
    assert holder.set("env:k", "v") is True
    assert server.client().get("env:k") == b"v"
    # REDIS_LENS_POOL_MAX=1 took effect: a second client gets Redis's maxclients answer.
    data = proxy.raw(timeout=20).read_until_eof()
    assert data == b"-ERR max number of clients reached\r\n", data


# --------------------------------------------------------------------------- secrets


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_upstream_password_never_logged(redis_factory, lens_factory, log_format):
    server = redis_factory(password="hunter2")
    proxy = lens_factory(server, "--log-level", "debug", "--log-format", log_format, "--pool-min-idle", "1",
                         "--pool-max-idle", "1")
    assert "hunter2" in proxy.upstream
    # Some traffic, a protocol error, an RDB transfer, lost upstream, a recovery.
    r = proxy.client(password="hunter2")
    assert r.set("secret:k", "v") is True
    with proxy.raw() as raw:
        raw.send(encode("AUTH", "hunter2") + encode("PING") + b"*1\r\n$-5\r\n")
        assert raw.read_until_eof().startswith(b"+OK\r\n+PONG\r\n-ERR Protocol error")
    with proxy.raw() as raw:
        assert raw.command("AUTH", "hunter2") == b"OK"
        raw.send(encode("SYNC"))
        assert raw.read_until(b"\r\n").lstrip(b"\n").startswith(b"$")  # the RDB payload follows
    r.close()
    server.kill()
    wait_until(lambda: proxy.http("/readyz")[0] == 503, 20, "/readyz 503")
    status, body = proxy.http("/readyz")
    server.start()
    wait_until(lambda: proxy.client(socket_timeout=5, password="hunter2").ping(), 30, "the proxy to serve again")
    assert proxy.stop() == 0
    logs = proxy.logs()
    assert b"hunter2" not in logs
    assert "hunter2" not in body
    assert logs.count(b"\n") >= 3, logs  # debug logging really happened
    if log_format == "json":
        assert logs.lstrip().startswith(b"{")


# --------------------------------------------------------------------------- signals


def test_sigterm_lets_in_flight_blpop_finish(server, lens_factory):
    proxy = lens_factory(server)
    r = proxy.client()
    job = Background(lambda: r.blpop(["sig:q"], timeout=2))
    wait_blocked(server)
    proxy.send_signal(signal.SIGTERM)

    def refused():
        try:
            socket.create_connection((LOOPBACK, proxy.port), timeout=2).close()
            return False
        except ConnectionRefusedError:
            return True

    wait_until(refused, 10, "the proxy to stop accepting connections")
    assert job.join(timeout=20) is None
    assert job.elapsed >= 1.8
    assert proxy.wait_exit(20) == 0


def test_sigint_exits_0(server, lens_factory):
    proxy = lens_factory(server)
    assert proxy.client().ping() is True
    assert proxy.stop(signal.SIGINT) == 0


def test_sigterm_closes_idle_clients(server, lens_factory):
    proxy = lens_factory(server)
    idle = proxy.raw(timeout=20)
    assert idle.command("PING") == b"PONG"
    proxy.send_signal(signal.SIGTERM)
    assert idle.read_until_eof() == b""
    assert proxy.wait_exit(20) == 0


def test_drain_timeout_bounds_shutdown(server, lens_factory):
    proxy = lens_factory(server, "--drain-timeout", "1")
    stuck = proxy.raw(timeout=30)
    stuck.send(encode("BLPOP", "sig:forever", "0"))
    wait_blocked(server)
    start = time.monotonic()
    proxy.send_signal(signal.SIGTERM)
    assert proxy.wait_exit(20) == 0
    assert time.monotonic() - start >= 0.9
    assert stuck.read_until_eof() == b""


def test_sigterm_with_subscriber_connected(server, lens_factory):
    proxy = lens_factory(server)
    subscriber = proxy.raw(timeout=30)
    assert subscriber.command("SUBSCRIBE", "sig:ch") == [b"subscribe", b"sig:ch", 1]
    proxy.send_signal(signal.SIGTERM)
    assert proxy.wait_exit(20) == 0
    assert subscriber.read_until_eof() == b""


def test_bad_otlp_headers_do_not_echo_their_values(lens_bin):
    code, out, err = run_lens(lens_bin, [], {"OTEL_EXPORTER_OTLP_HEADERS": "authorization=Bearer tok3n,broken"})
    assert code == 2 and "OTEL_EXPORTER_OTLP_HEADERS" in err and "tok3n" not in err, err


def test_an_unwritable_otlp_file_fails_at_start_with_exit_1(lens_bin, server, tmp_path):
    path = tmp_path / "missing-dir" / "spans.jsonl"
    code, out, err = run_lens(lens_bin, ["--upstream", server.url(), "--otlp-file", str(path)])
    assert code == 1 and "cannot open --otlp-file" in err, (code, out, err)
