"""TLS (issue 26): clients to the proxy, the proxy to Redis, or both, against a real
redis-server built with TLS and certificates made at run time (tls_support.py).

What is checked: redis-py and redis-cli through every combination; client certificates
(--tls-auth-clients yes|optional|no); every handshake failure kind the proxy can meet, each
counted, logged, survived by the proxy and by its other clients; large values and a stalled
reader over TLS; certificate reload on SIGHUP; the INFO poll and COMMAND load over TLS; the TLS
metrics and /stats; and the differential streams byte for byte over TLS on both sides.
"""

import hashlib
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import time

import pytest

from conftest import RawClient, encode, free_port, lens_env, wait_until
from differential import describe, run as run_differential
from metrics_support import answered, check_histogram, commandstats, promtool_check, scrape
from test_large_values import check_stuck_reader_of_200_mib
from tls_support import LensTLS, RedisTLS, upstream_tls_args

MiB = 1024 * 1024

HANDSHAKES = "redislens_tls_handshakes_total"
HANDSHAKE_DURATION = "redislens_tls_handshake_duration_seconds"
CERT_EXPIRY = "redislens_tls_cert_expiry_timestamp_seconds"

# Which hops speak TLS: "both", "upstream" (plain clients, rediss:// to Redis), "client"
# (TLS clients, plain Redis).
KINDS = ["both", "upstream", "client"]


# --------------------------------------------------------------------------- helpers


class Setup:
    """A redis-server and a redis-lens in front of it, TLS on the hops `kind` names."""

    def __init__(self, kind, certs, redis_factory, lens_factory, *args):
        self.kind = kind
        self.client_tls = kind in ("both", "client")
        upstream_tls = kind in ("both", "upstream")
        self.server = redis_factory(tls=RedisTLS(certs)) if upstream_tls else redis_factory()
        flags = upstream_tls_args(certs) if upstream_tls else []
        # TLS on both sides also turns the plaintext port off.
        tls = LensTLS(certs, plain=kind != "both") if self.client_tls else None
        self.lens = lens_factory(self.server, *flags, *args, tls=tls)
        self.port = self.lens.tls_port if self.client_tls else self.lens.port

    def redis(self, **kwargs):
        """A redis-py client through the proxy, over TLS when clients speak TLS."""
        return self.lens.tls_client(**kwargs) if self.client_tls else self.lens.client(**kwargs)

    def cli_argv(self, *args):
        tls = self.lens.tls.client().cli_args() if self.client_tls else []
        return ["redis-cli", *tls, "-h", "127.0.0.1", "-p", str(self.port), *args]

    def cli(self, *args, stdin=None):
        """(exit code, stdout, stderr) of redis-cli through the proxy."""
        proc = subprocess.run(self.cli_argv(*args), input=stdin, capture_output=True, timeout=60)
        return proc.returncode, proc.stdout.decode(), proc.stderr.decode()


def handshakes(lens, side, result):
    return scrape(lens).get(HANDSHAKES, 0, side=side, result=result)


def log_lines(lens, *texts):
    """Lines of the proxy's log that contain every one of `texts`."""
    return [line for line in lens.logs().decode(errors="replace").splitlines() if all(t in line for t in texts)]


def assert_warning_logged(lens, *texts):
    """Waits for a log line with every one of `texts`, at warning level (JSON logs)."""
    lines = wait_until(lambda: log_lines(lens, *texts), 10, f"a log line with {texts}")
    levels = [json.loads(line).get("level") for line in lines if line.startswith("{")]
    assert not levels or "warning" in levels, lines


def assert_failure_observed(lens, side, result, before, *texts, exact=True):
    """The failed handshake is counted under (side, result) (exactly once with `exact`; an
    upstream failure may be retried), logged with `texts`, and the proxy is still running."""
    count = wait_until(lambda: (n := handshakes(lens, side, result)) >= before + 1 and n, 10,
                       f'{HANDSHAKES}{{side="{side}",result="{result}"}} to grow')
    if exact:
        assert count == before + 1, count
    if texts:
        assert_warning_logged(lens, *texts)
    assert lens.running, lens.logs()[-2000:]


def tls_failure(port, tls, timeout=10):
    """The error a TLS client as `tls` meets on `port`, or None when its PING gets PONG.

    With TLS 1.3 a client finishes its side of the handshake before the server has checked
    the client's certificate, so a refusal can surface at the first read instead.
    """
    try:
        with RawClient(port, timeout=timeout, tls=tls) as raw:
            reply = raw.command("PING")
    except (ssl.SSLError, ConnectionError) as error:  # ConnectionError: closed without a reply
        return error
    assert reply == b"PONG", reply
    return None


def assert_survives(client, key):
    """A RawClient connected before the failure still works."""
    assert client.command("PING") == b"PONG"
    assert client.command("SET", key, "still-here") == b"OK"
    assert client.command("GET", key) == b"still-here"


def common_name(peer_certificate):
    for rdn in peer_certificate["subject"]:
        for name, value in rdn:
            if name == "commonName":
                return value
    return None


def replace_file(source, target):
    """Puts a copy of `source` at `target` in one rename (a reader never sees half a file)."""
    temporary = f"{target}.new"
    shutil.copyfile(source, temporary)
    os.replace(temporary, target)


# --------------------------------------------------------------------------- clients through every combination


def exercise_redis_py(setup):
    """SET/GET, a pipeline of 10,000 commands, MULTI/EXEC and a pub/sub message with
    redis-py through `setup`."""
    r = setup.redis()
    assert r.set("tls:k", "v") is True
    assert r.get("tls:k") == b"v"
    assert setup.server.client().get("tls:k") == b"v"

    pipe = r.pipeline(transaction=False)
    for i in range(5000):
        pipe.set(f"tls:p:{i}", i)
        pipe.get(f"tls:p:{i}")
    assert pipe.execute() == [x for i in range(5000) for x in (True, str(i).encode())]

    tx = r.pipeline(transaction=True)
    tx.incr("tls:n")
    tx.incr("tls:n")
    tx.get("tls:n")
    assert tx.execute() == [1, 2, b"2"]

    pubsub = setup.redis().pubsub()
    try:
        pubsub.subscribe("tls:ch")
        confirmation = pubsub.get_message(timeout=10)
        assert confirmation and confirmation["type"] == "subscribe", confirmation
        assert r.publish("tls:ch", "over tls") == 1
        message = pubsub.get_message(timeout=10)
        assert message and (message["type"], message["data"]) == ("message", b"over tls"), message
    finally:
        pubsub.close()


@pytest.mark.parametrize("kind", KINDS)
def test_redis_py_through_tls(kind, tls_certs, redis_factory, lens_factory):
    setup = Setup(kind, tls_certs, redis_factory, lens_factory)
    exercise_redis_py(setup)
    expo = scrape(setup.lens)
    client_ok, upstream_ok = (expo.get(HANDSHAKES, 0, side=s, result="ok") for s in ("client", "upstream"))
    assert (client_ok >= 2) if setup.client_tls else (expo.sum(HANDSHAKES, side="client") == 0), client_ok
    assert (upstream_ok >= 1) if kind != "client" else (expo.sum(HANDSHAKES, side="upstream") == 0), upstream_ok


def exercise_redis_cli(setup):
    """SET/GET, --pipe with 10,000 commands, MULTI/EXEC from stdin and a pub/sub message with
    redis-cli through `setup`."""
    direct = setup.server.client()
    assert setup.cli("SET", "cli:k", "hello tls") == (0, "OK\n", "")
    assert setup.cli("GET", "cli:k") == (0, "hello tls\n", "")
    assert direct.get("cli:k") == b"hello tls"

    commands = b"".join(encode("SET", f"cli:p:{i}", i) for i in range(10_000))
    code, out, err = setup.cli("--pipe", stdin=commands)
    assert code == 0 and "errors: 0, replies: 10000" in out, (out, err)
    assert direct.get("cli:p:9999") == b"9999" and direct.dbsize() == 10_001

    code, out, err = setup.cli(stdin=b"MULTI\nINCR cli:n\nINCR cli:n\nEXEC\n")
    assert (code, out) == (0, "OK\nQUEUED\nQUEUED\n1\n2\n"), err

    subscriber = subprocess.Popen(setup.cli_argv("SUBSCRIBE", "cli:ch"), stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    try:
        wait_until(lambda: direct.pubsub_numsub("cli:ch") == [(b"cli:ch", 1)], 15, "redis-cli to subscribe")
        assert setup.cli("PUBLISH", "cli:ch", "news") == (0, "1\n", "")
        lines = []
        while lines[-3:] != ["message", "cli:ch", "news"]:  # a blocking read; the kill below ends a hang
            line = subscriber.stdout.readline()
            assert line, f"redis-cli SUBSCRIBE ended: {lines} {subscriber.stderr.read()!r}"
            lines.append(line.decode().rstrip("\n"))
        assert lines[:3] == ["subscribe", "cli:ch", "1"], lines
    finally:
        subscriber.kill()
        subscriber.wait(timeout=10)


@pytest.mark.parametrize("kind", KINDS)
def test_redis_cli_through_tls(kind, tls_certs, redis_factory, lens_factory):
    setup = Setup(kind, tls_certs, redis_factory, lens_factory)
    exercise_redis_cli(setup)
    if setup.client_tls:
        assert handshakes(setup.lens, "client", "ok") >= 6  # one per redis-cli run


# --------------------------------------------------------------------------- client certificates


@pytest.mark.parametrize("mode", ["yes", "optional", "no", pytest.param(None, id="default")])
def test_client_certificates(mode, tls_certs, server, lens_factory):
    """--tls-auth-clients as Redis's tls-auth-clients (None: the default, which is yes)."""
    lens = lens_factory(server, tls=LensTLS(tls_certs, auth_clients=mode))
    with_cert = tls_certs.client(cert="client")
    without_cert = tls_certs.client(cert=None)
    unknown_issuer = tls_certs.client(cert="other-client")
    survivor = lens.tls_raw(tls=with_cert)
    assert survivor.command("SET", "mtls:k", "1") == b"OK"
    assert lens.tls_client(tls=with_cert).get("mtls:k") == b"1"

    required = mode in ("yes", None)
    before = handshakes(lens, "client", "no_peer_certificate")
    error = tls_failure(lens.tls_port, without_cert)
    if required:
        assert error is not None, "a client without a certificate got through"
        assert_failure_observed(lens, "client", "no_peer_certificate", before)
    else:
        assert error is None, error
        assert lens.tls_client(tls=without_cert).get("mtls:k") == b"1"

    # A certificate the CA did not sign is refused whenever one is asked for (as Redis does
    # with optional); with "no" none is asked for, so none is sent.
    before = handshakes(lens, "client", "unknown_ca")
    error = tls_failure(lens.tls_port, unknown_issuer)
    if mode == "no":
        assert error is None, error
    else:
        assert error is not None, "a client certificate from an unknown CA was accepted"
        assert_failure_observed(lens, "client", "unknown_ca", before, "unknown CA")
    assert_survives(survivor, "mtls:after")


# --------------------------------------------------------------------------- handshake failures


UPSTREAM_FAILURES = [
    # (id, certificate Redis switches to, name the proxy verifies (None: the URL's 127.0.0.1),
    #  result, texts of the log line)
    ("unknown_ca", "other-server", None, "unknown_ca", ("unknown CA",)),
    ("certificate_expired", "expired", None, "certificate_expired", ("certificate has expired",)),
    ("certificate_not_yet_valid", "not-yet-valid", None, "certificate_not_yet_valid", ("not yet valid",)),
    ("hostname_mismatch-ip", "wrong-host", None, "hostname_mismatch", ("hostname mismatch", "wrong.example")),
    ("hostname_mismatch-name", "wrong-host", "localhost", "hostname_mismatch",
     ("hostname mismatch", "localhost", "wrong.example")),
]


@pytest.mark.parametrize("cert,server_name,result,texts", [f[1:] for f in UPSTREAM_FAILURES],
                         ids=[f[0] for f in UPSTREAM_FAILURES])
def test_upstream_certificate_failure(cert, server_name, result, texts, tls_certs, redis_factory, lens_factory):
    """Redis switches (CONFIG SET, for new connections only) to a certificate the proxy must
    refuse. A client already connected keeps its upstream connection; a new one gets no
    upstream and is closed without a reply."""
    server = redis_factory(tls=RedisTLS(tls_certs))
    lens = lens_factory(server, *upstream_tls_args(tls_certs, server_name=server_name), "--pool-min-idle", "0",
                        "--pool-max-idle", "0", "--pool-wait-timeout", "0.5", "--info-interval", "0")
    survivor = lens.raw(timeout=20)
    assert survivor.command("SET", "up:k", "1") == b"OK"
    direct = server.client()
    assert direct.ping() is True  # connected now, before the switch
    assert direct.execute_command("CONFIG", "SET", "tls-cert-file", tls_certs.cert(cert),
                                  "tls-key-file", tls_certs.key(cert)) == b"OK"
    before = handshakes(lens, "upstream", result)

    with RawClient(lens.port, timeout=20) as victim:
        victim.send(encode("PING"))
        assert victim.read_until_eof() == b""
    assert_failure_observed(lens, "upstream", result, before, *texts, exact=False)
    assert handshakes(lens, "upstream", "ok") >= 1
    assert_survives(survivor, "up:after")

    # Redis's certificate is good again: new clients get through again.
    assert direct.execute_command("CONFIG", "SET", "tls-cert-file", tls_certs.cert("server"),
                                  "tls-key-file", tls_certs.key("server")) == b"OK"

    def new_client_works():
        with RawClient(lens.port, timeout=20) as raw:
            return raw.command("GET", "up:k") == b"1"

    wait_until(new_client_works, 20, "a new client through the proxy after the certificate was fixed")


def test_upstream_server_name_flag_names_the_certificate_to_expect(tls_certs, redis_factory, lens_factory):
    """--upstream-tls-server-name replaces the URL's host in verification."""
    server = redis_factory(tls=RedisTLS(tls_certs, cert="wrong-host"))
    lens = lens_factory(server, *upstream_tls_args(tls_certs, server_name="wrong.example"))
    assert lens.client().ping() is True
    assert handshakes(lens, "upstream", "hostname_mismatch") == 0


def test_plaintext_client_on_the_tls_port(tls_certs, server, lens_factory):
    lens = lens_factory(server, tls=LensTLS(tls_certs))
    survivor = lens.tls_raw()
    assert survivor.command("SET", "plain:k", "1") == b"OK"
    before = handshakes(lens, "client", "not_tls")
    with RawClient(lens.tls_port, timeout=10) as plaintext:
        plaintext.send(encode("PING"))
        answer = plaintext.read_until_eof()  # at most a TLS alert, then the close
    assert b"PONG" not in answer and not answer.startswith((b"+", b"-")), answer
    assert_failure_observed(lens, "client", "not_tls", before, "not a TLS handshake")
    assert_survives(survivor, "plain:after")


def test_tls_client_on_the_plaintext_port(tls_certs, server, lens_factory):
    """The proxy relays the ClientHello to Redis like any bytes (the client gets whatever
    Redis answers, or waits) and counts it."""
    lens = lens_factory(server, tls=LensTLS(tls_certs))
    survivor = lens.raw()
    assert survivor.command("SET", "hello:k", "1") == b"OK"
    before = handshakes(lens, "client", "tls_on_plain_port")
    # The handshake is left pending once the ClientHello is out: Redis reads it as the start of
    # an inline command and waits for a newline byte (or answers an error if one came by).
    hello = tls_certs.client().context().wrap_socket(
        socket.create_connection(("127.0.0.1", lens.port), timeout=10), server_hostname="127.0.0.1",
        do_handshake_on_connect=False)
    try:
        hello.setblocking(False)
        with pytest.raises(ssl.SSLError):  # SSLWantReadError: no ServerHello, as expected
            hello.do_handshake()
        assert_failure_observed(lens, "client", "tls_on_plain_port", before)
    finally:
        hello.close()
    assert_survives(survivor, "hello:after")
    with RawClient(lens.port) as fresh:
        assert fresh.command("GET", "hello:k") == b"1"


def test_upstream_mutual_tls(tls_certs, redis_factory, lens_factory):
    """Redis wants client certificates: the proxy presents --upstream-tls-cert-file on every
    upstream connection, the INFO poll's included, and publishes its expiry."""
    server = redis_factory(tls=RedisTLS(tls_certs, auth_clients="yes"))
    lens = lens_factory(server, *upstream_tls_args(tls_certs), "--upstream-tls-cert-file", tls_certs.cert("client"),
                        "--upstream-tls-key-file", tls_certs.key("client"), "--info-interval", "0.5")
    r = lens.client()
    assert r.set("mtls:up", "1") is True and r.get("mtls:up") == b"1"
    wait_until(lambda: scrape(lens).get("redis_up") == 1, 15, "an INFO poll over mutual TLS")
    expo = scrape(lens)
    assert expo.get(CERT_EXPIRY, side="upstream", subject=tls_certs.subject("client")) == \
        tls_certs.not_after("client"), expo.series(CERT_EXPIRY)

    # Without a client certificate: with TLS 1.3 Redis refuses it after the proxy's side of
    # the handshake finished, on the first read; that still counts (and logs) as a failed
    # handshake, so a missing --upstream-tls-cert-file shows in metrics and logs.
    anonymous = lens_factory(server, *upstream_tls_args(tls_certs), "--pool-wait-timeout", "0.5", ready=False)
    with RawClient(anonymous.port, timeout=20) as refused:
        refused.send(encode("PING"))
        assert refused.read_until_eof() == b""
    wait_until(lambda: handshakes(anonymous, "upstream", "peer_rejected") >= 1, 15,
               "Redis's refusal of the missing client certificate counted")
    assert_warning_logged(anonymous, "TLS handshake failed", "the peer rejected the handshake")
    assert anonymous.running
    assert r.get("mtls:up") == b"1"


def test_an_encrypted_key_is_refused_at_start_without_a_prompt(tls_certs, lens_bin, tmp_path):
    encrypted = str(tmp_path / "encrypted.key")
    subprocess.run(["openssl", "pkey", "-in", tls_certs.key("server"), "-aes256", "-passout", "pass:secret",
                    "-out", encrypted], check=True, capture_output=True, timeout=30)
    args = ["--listen", f"127.0.0.1:{free_port()}", "--admin-listen", f"127.0.0.1:{free_port()}",
            "--tls-listen", f"127.0.0.1:{free_port()}", "--tls-cert-file", tls_certs.cert("server"),
            "--tls-key-file", encrypted, "--tls-auth-clients", "no"]
    proc = subprocess.run([lens_bin, *args], stdin=subprocess.DEVNULL, capture_output=True, timeout=20,
                          env=lens_env())
    assert proc.returncode == 2, proc
    lines = proc.stderr.decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith("redis-lens: error: --tls-key-file"), lines
    assert "encrypted key" in lines[0] and "secret" not in lines[0], lines


# --------------------------------------------------------------------------- large values


def test_100_mib_value_over_tls_both_sides(tls_certs, redis_factory, lens_factory):
    setup = Setup("both", tls_certs, redis_factory, lens_factory)
    value = os.urandom(100 * MiB)
    digest = hashlib.sha256(value).hexdigest()
    r = setup.redis(socket_timeout=120)
    assert r.set("big:100", value) is True
    del value
    assert setup.server.client(socket_timeout=120).strlen("big:100") == 100 * MiB
    got = r.get("big:100")
    assert len(got) == 100 * MiB
    assert hashlib.sha256(got).hexdigest() == digest


def test_stuck_tls_reader_of_200_mib_does_not_balloon_proxy_memory(tls_certs, redis_factory, lens_factory):
    setup = Setup("both", tls_certs, redis_factory, lens_factory)
    check_stuck_reader_of_200_mib(
        setup.server.client(socket_timeout=60), setup.redis(), setup.lens.rss,
        lambda rcvbuf: setup.lens.tls_raw(timeout=120, rcvbuf=rcvbuf), limit=64 * MiB)


# --------------------------------------------------------------------------- certificate reload


def test_sighup_reloads_the_certificate_for_new_handshakes(tls_certs, server, lens_factory, tmp_path):
    cert, key = str(tmp_path / "proxy.crt"), str(tmp_path / "proxy.key")
    shutil.copyfile(tls_certs.cert("server"), cert)
    shutil.copyfile(tls_certs.key("server"), key)
    lens = lens_factory(server, tls=LensTLS(tls_certs, cert_file=cert, key_file=key))
    old = lens.tls_raw()
    assert common_name(old.peer_certificate()) == "localhost"
    assert old.command("SET", "hup:k", "before") == b"OK"

    replace_file(tls_certs.key("rotated"), key)
    replace_file(tls_certs.cert("rotated"), cert)
    lens.send_signal(signal.SIGHUP)

    def presents_rotated():
        with RawClient(lens.tls_port, timeout=5, tls=lens.tls.client()) as raw:
            return common_name(raw.peer_certificate()) == "localhost-rotated"

    wait_until(presents_rotated, 15, "a new handshake presenting CN=localhost-rotated")
    # The connection made before the reload still works.
    assert old.command("PING") == b"PONG"
    assert old.command("GET", "hup:k") == b"before"
    assert lens.tls_client().get("hup:k") == b"before"
    rotated = tls_certs.subject("rotated")
    wait_until(lambda: scrape(lens).get(CERT_EXPIRY, side="client", subject=rotated) == tls_certs.not_after("rotated"),
               10, "the expiry gauge of the rotated certificate")
    assert lens.running


def test_sighup_with_a_broken_key_keeps_the_current_certificate(tls_certs, server, lens_factory, tmp_path):
    """A reload that cannot read its files changes nothing (and does not stop the proxy)."""
    cert, key = str(tmp_path / "proxy.crt"), str(tmp_path / "proxy.key")
    shutil.copyfile(tls_certs.cert("server"), cert)
    shutil.copyfile(tls_certs.key("server"), key)
    lens = lens_factory(server, tls=LensTLS(tls_certs, cert_file=cert, key_file=key))
    old = lens.tls_raw()
    assert old.command("PING") == b"PONG"
    replace_file(tls_certs.cert("rotated"), cert)
    with open(key, "w") as f:
        f.write("-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n")
    lines_before = len(lens.logs().splitlines())
    lens.send_signal(signal.SIGHUP)
    # Something is logged about the failed reload; nothing else changes.
    wait_until(lambda: len(lens.logs().splitlines()) > lines_before, 10, "the reload to be logged")
    assert lens.running
    with RawClient(lens.tls_port, timeout=5, tls=lens.tls.client()) as fresh:
        assert common_name(fresh.peer_certificate()) == "localhost"
        assert fresh.command("PING") == b"PONG"
    assert old.command("PING") == b"PONG"


def test_sighup_without_tls_is_ignored_as_redis_ignores_it(server, lens_factory):
    lens = lens_factory(server)
    client = lens.raw()
    assert client.command("SET", "hup:plain", "v") == b"OK"
    lens.send_signal(signal.SIGHUP)
    # The signal is handled (ignored) at once; the same connection and a new one still work.
    assert client.command("GET", "hup:plain") == b"v"
    assert lens.raw().command("PING") == b"PONG"
    assert lens.running


# --------------------------------------------------------------------------- control plane over TLS


def test_info_poll_and_command_table_from_a_tls_only_redis(tls_certs, redis_factory, lens_factory):
    server = redis_factory(tls=RedisTLS(tls_certs))  # --port 0: TLS only
    lens = lens_factory(server, *upstream_tls_args(tls_certs), "--info-interval", "0.5")
    wait_until(lambda: b"command table loaded from upstream" in lens.logs(), 15, "the COMMAND load")
    assert b"using the built-in command table" not in lens.logs()
    direct = server.client()
    assert answered(commandstats(direct).get("command")) >= 1

    r = lens.client()
    assert r.set("poll:k", "v" * MiB) is True
    polls = scrape(lens).get("redislens_info_poll_duration_seconds_count", 0)
    wait_until(lambda: scrape(lens).get("redislens_info_poll_duration_seconds_count", 0) >= polls + 2, 15,
               "two more INFO polls")
    expo = scrape(lens)
    assert expo.get("redis_up") == 1
    assert expo.get("redis_memory_used_bytes") >= MiB
    assert expo.get("redis_db_keys", db="db0") == 1
    assert expo.sum("redislens_info_poll_errors_total") == 0
    assert lens.http("/readyz")[0] == 200
    # The poll is the proxy's own connection, over TLS like every other.
    assert "info" in {entry["cmd"] for entry in direct.client_list()}


# --------------------------------------------------------------------------- metrics


def test_tls_metrics_and_stats(tls_certs, redis_factory, lens_factory):
    setup = Setup("both", tls_certs, redis_factory, lens_factory)
    lens = setup.lens
    before = scrape(lens)
    ok_before = before.get(HANDSHAKES, 0, side="client", result="ok")
    count_before = before.get(HANDSHAKE_DURATION + "_count", 0, side="client")

    clients = [lens.tls_raw() for _ in range(3)]
    legacy = lens.tls_raw(tls=tls_certs.client(maximum_version=ssl.TLSVersion.TLSv1_2))
    assert [c.tls_version for c in clients] == ["TLSv1.3"] * 3 and legacy.tls_version == "TLSv1.2"
    for c in clients + [legacy]:
        assert c.command("SET", "metrics:k", "1") == b"OK"

    expo = scrape(lens)
    code, lines = promtool_check(expo.text)
    assert code == 0 and not lines, lines
    assert expo.types[expo.family_of(HANDSHAKES)] == "counter"
    assert expo.types.get(HANDSHAKE_DURATION) == "histogram"
    assert expo.types.get(CERT_EXPIRY) == "gauge"
    assert expo.get(HANDSHAKES, 0, side="client", result="ok") == ok_before + 4
    assert expo.get(HANDSHAKES, 0, side="upstream", result="ok") >= 1
    assert check_histogram(expo, HANDSHAKE_DURATION, {"side": "client"}) == count_before + 4
    assert check_histogram(expo, HANDSHAKE_DURATION, {"side": "upstream"}) >= 1
    failures = {labels["result"]: value for labels, value in expo.series(HANDSHAKES) if labels["result"] != "ok"}
    assert not any(failures.values()), failures

    subject = tls_certs.subject("server")
    assert subject == "CN=localhost,O=redis-lens test"
    not_after = tls_certs.not_after("server")
    assert expo.get(CERT_EXPIRY, side="client", subject=subject) == not_after, expo.series(CERT_EXPIRY)
    # Redis presents the same certificate: the upstream side reports what it saw.
    assert expo.get(CERT_EXPIRY, side="upstream", subject=subject) == not_after, expo.series(CERT_EXPIRY)

    status, body = lens.http("/stats")
    assert status == 200
    tls = json.loads(body)["tls"]
    assert tls["client"]["protocols"].get("TLSv1.3", 0) >= 3, tls
    assert tls["client"]["protocols"].get("TLSv1.2", 0) >= 1, tls
    assert tls["upstream"]["protocols"].get("TLSv1.3", 0) >= 1, tls


# --------------------------------------------------------------------------- transparency over TLS

DIFFERENTIAL_STREAMS = 200


def test_differential_streams_over_tls_both_sides(tls_certs, redis_factory, lens_factory):
    """test_differential.py's streams, both sides TLS, against Redis directly over TLS."""
    direct = redis_factory(tls=RedisTLS(tls_certs))
    behind = redis_factory(tls=RedisTLS(tls_certs))
    lens = lens_factory(behind, *upstream_tls_args(tls_certs), "--pool-min-idle", "2", "--pool-max-idle", "2",
                        tls=LensTLS(tls_certs, plain=False))
    count, mismatches = run_differential(direct.port, lens.tls_port, DIFFERENTIAL_STREAMS, seed=20261206,
                                         direct_tls=direct.tls.client(), proxy_tls=lens.tls.client())
    assert count == DIFFERENTIAL_STREAMS
    assert not mismatches, "\n".join(describe(m) for m in mismatches[:3]) + f"\n({len(mismatches)} in all)"
    # Both servers saw the same traffic: the same keys with the same values.
    assert direct.client().dbsize() == behind.client().dbsize() > 0
