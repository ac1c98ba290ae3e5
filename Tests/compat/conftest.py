"""Fixtures for the redis-lens compatibility suite.

Every test talks to real processes on loopback: a `redis-server` started in a
temporary directory on a free port, and the `redis-lens` binary named by the
REDIS_LENS_BIN environment variable, started in front of it.

Synchronisation is always by polling with a deadline (`wait_until`) or by blocking
reads with socket timeouts, never by sleeping for a fixed time.
"""

import os
import re
import signal
import socket
import ssl
import subprocess
import threading
import time
import urllib.error
import urllib.request

import pytest
import redis

from tls_support import TLSCertificates

LOOPBACK = "127.0.0.1"
BIN_ENV = "REDIS_LENS_BIN"
POOL_MODE_ENV = "LENS_TEST_POOL_MODE"


# --------------------------------------------------------------------------- binary


def _lens_binary():
    path = os.environ.get(BIN_ENV)
    if not path:
        raise pytest.UsageError(
            f"{BIN_ENV} is not set: point it at the redis-lens binary, e.g. "
            f'{BIN_ENV}="$(swift build --show-bin-path)/redis-lens" python3 -m pytest Tests/compat'
        )
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        raise pytest.UsageError(f"{BIN_ENV}={path!r} is not an executable file (build redis-lens first)")
    return path


def pytest_addoption(parser):
    parser.addoption(
        "--lens-pool-mode", choices=("dedicated", "shared"), default=os.environ.get(POOL_MODE_ENV) or None,
        help=f"start every redis-lens with --pool-mode MODE unless the test passes its own (env {POOL_MODE_ENV}; "
             "default: no flag, the binary's default)")


def pytest_configure(config):
    config.lens_bin = _lens_binary()
    config.addinivalue_line(
        "markers", "dedicated_pool: the test is about the dedicated pool (one upstream connection per client, "
                   "idle connections, reuse): it runs with --pool-mode dedicated whenever the suite picks a mode")
    mode = config.getoption("--lens-pool-mode")
    if mode not in (None, "dedicated", "shared"):
        raise pytest.UsageError(f"{POOL_MODE_ENV}={mode!r}: expected dedicated or shared")
    LensProcess.default_pool_mode = mode


def pytest_report_header(config):
    mode = config.getoption("--lens-pool-mode")
    return f"redis-lens pool mode: {mode or 'the binary default (no --pool-mode)'}"


@pytest.fixture(scope="session")
def lens_bin(pytestconfig):
    return pytestconfig.lens_bin


# --------------------------------------------------------------------------- helpers


def lens_env(extra=None):
    """This process's environment without stray REDIS_LENS_* and OTEL_* settings, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REDIS_LENS_", "OTEL_")) or k == BIN_ENV}
    env.update(extra or {})
    return env


def free_port():
    """A loopback port that was free a moment ago (callers retry on collision)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def wait_until(predicate, timeout, what, interval=0.02):
    """Polls `predicate` until it returns a truthy value (returned) or `timeout` passes."""
    deadline = time.monotonic() + timeout
    last_error = None
    while True:
        try:
            value = predicate()
            if value:
                return value
        except Exception as error:  # noqa: BLE001 - remembered for the failure message
            last_error = error
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what} (last error: {last_error!r})")
        time.sleep(interval)


def http_get(port, path, accept=None, timeout=10):
    """(status, headers with lower-case names, body text) of GET http://127.0.0.1:port/path."""
    request = urllib.request.Request(f"http://{LOOPBACK}:{port}{path}")
    if accept is not None:
        request.add_header("Accept", accept)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            headers = {k.lower(): v for k, v in response.getheaders()}
            return response.status, headers, response.read().decode()
    except urllib.error.HTTPError as error:
        headers = {k.lower(): v for k, v in error.headers.items()}
        return error.code, headers, error.read().decode()


def encode(*args):
    """One command as a RESP multi-bulk request."""
    out = [b"*%d\r\n" % len(args)]
    for arg in args:
        if isinstance(arg, str):
            arg = arg.encode()
        elif isinstance(arg, int):
            arg = str(arg).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(arg), arg))
    return b"".join(out)


def resp_frame_end(buf, pos=0):
    """Where the RESP2/RESP3 frame starting at `pos` ends, or None while it is incomplete."""
    line_end = buf.find(b"\r\n", pos)
    if line_end < 0:
        return None
    kind, rest = buf[pos:pos + 1], bytes(buf[pos + 1:line_end])
    after = line_end + 2
    if kind in (b"$", b"=", b"!"):
        n = int(rest)
        if n < 0:
            return after
        return after + n + 2 if len(buf) >= after + n + 2 else None
    if kind in (b"*", b"~", b">", b"%"):
        n = int(rest)
        count = max(n, 0) * (2 if kind == b"%" else 1)
        for _ in range(count):
            after = resp_frame_end(buf, after)
            if after is None:
                return None
        return after
    return after


# A HELLO reply names the connection's id, which differs by nature between two connections.
HELLO_ID = re.compile(rb"(\$2\r\nid\r\n):\d+\r\n")


def mask_hello_id(data):
    """Reply bytes with the connection id of every HELLO reply in them set to 0."""
    return HELLO_ID.sub(rb"\1:0\r\n", data)


class ErrorReply(str):
    """A RESP error (`-...` or `!...`) read by RawClient."""


class Push(list):
    """A RESP3 push (`>...`) read by RawClient."""


class RawClient:
    """A TCP connection speaking RESP by hand, for exact-byte assertions.

    With `tls` (a `tls_support.ClientTLS`), the connection does a TLS handshake first (an
    ssl.SSLError when it fails) and every byte after it goes through TLS.
    """

    def __init__(self, port, timeout=10.0, rcvbuf=None, tls=None):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf is not None:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.settimeout(timeout)
        try:
            self.sock.connect((LOOPBACK, port))
            if tls is not None:
                self.sock = tls.wrap(self.sock)
        except BaseException:
            self.sock.close()
            raise
        self.buf = bytearray()

    def peer_certificate(self):
        """The server's certificate as `ssl.SSLSocket.getpeercert()` returns it (TLS only)."""
        return self.sock.getpeercert()

    @property
    def tls_version(self):
        """The negotiated protocol ("TLSv1.3"), or None on a plain connection."""
        return self.sock.version() if isinstance(self.sock, ssl.SSLSocket) else None

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def send(self, data):
        self.sock.sendall(data)

    def command(self, *args):
        self.send(encode(*args))
        return self.read_reply()

    def _fill(self):
        chunk = self.sock.recv(1 << 20)
        if not chunk:
            raise ConnectionError(f"connection closed; buffered: {bytes(self.buf[:200])!r}")
        self.buf += chunk

    def read_exact(self, n):
        while len(self.buf) < n:
            self._fill()
        data = bytes(self.buf[:n])
        del self.buf[:n]
        return data

    def read_until(self, suffix):
        """Bytes up to and including the first occurrence of `suffix`."""
        while True:
            index = self.buf.find(suffix)
            if index >= 0:
                end = index + len(suffix)
                data = bytes(self.buf[:end])
                del self.buf[:end]
                return data
            self._fill()

    def read_frames(self, n):
        """The bytes of the next `n` whole reply frames, exactly as received."""
        end = 0
        for _ in range(n):
            while (next_end := resp_frame_end(self.buf, end)) is None:
                self._fill()
            end = next_end
        data = bytes(self.buf[:end])
        del self.buf[:end]
        return data

    def read_line(self):
        while True:
            index = self.buf.find(b"\r\n")
            if index >= 0:
                line = bytes(self.buf[:index])
                del self.buf[: index + 2]
                return line
            self._fill()

    def read_until_eof(self):
        """Everything until the peer closes (a reset after data counts as a close)."""
        try:
            while True:
                chunk = self.sock.recv(1 << 20)
                if not chunk:
                    break
                self.buf += chunk
        except (ConnectionResetError, ssl.SSLEOFError):  # over TLS, a close without close_notify
            pass
        data = bytes(self.buf)
        self.buf.clear()
        return data

    def read_reply(self):
        line = self.read_line()
        kind, rest = line[:1], line[1:]
        if kind in (b"+",):
            return rest
        if kind == b"-":
            return ErrorReply(rest.decode())
        if kind == b":":
            return int(rest)
        if kind in (b"$", b"=", b"!"):
            n = int(rest)
            if n < 0:
                return None
            data = self.read_exact(n + 2)[:-2]
            return ErrorReply(data.decode()) if kind == b"!" else data
        if kind in (b"*", b"~", b">"):
            n = int(rest)
            if n < 0:
                return None
            items = [self.read_reply() for _ in range(n)]
            return Push(items) if kind == b">" else items
        if kind == b"%":
            n = int(rest)
            return {self._key(self.read_reply()): self.read_reply() for _ in range(n)}
        if kind == b"_":
            return None
        if kind == b"#":
            return rest == b"t"
        if kind == b",":
            return float(rest)
        if kind == b"(":
            return int(rest)
        raise AssertionError(f"unexpected RESP line {line!r}")

    @staticmethod
    def _key(value):
        return tuple(value) if isinstance(value, list) else value


class Background:
    """Runs `fn` in a daemon thread, keeping its result or exception and when it finished."""

    def __init__(self, fn):
        self.result = self.error = None
        self.started = time.monotonic()
        self.finished = None
        self.thread = threading.Thread(target=self._run, args=(fn,), daemon=True)
        self.thread.start()

    def _run(self, fn):
        try:
            self.result = fn()
        except BaseException as error:  # noqa: BLE001 - re-raised by join()
            self.error = error
        self.finished = time.monotonic()

    def join(self, timeout=20):
        """The result (or the exception, re-raised); fails if still running after `timeout`."""
        self.thread.join(timeout)
        assert not self.thread.is_alive(), f"still running after {timeout}s"
        if self.error:
            raise self.error
        return self.result

    @property
    def elapsed(self):
        return self.finished - self.started


def wait_blocked(server, count=1, timeout=15):
    """Waits until Redis reports `count` clients blocked (BLPOP, XREAD BLOCK, ...)."""
    direct = server.client()
    wait_until(lambda: direct.info("clients")["blocked_clients"] >= count, timeout,
               f"{count} blocked client(s) in Redis")


def parse_client_info(line):
    """`CLIENT INFO` text as a dict of strings."""
    if isinstance(line, bytes):
        line = line.decode()
    return dict(field.split("=", 1) for field in line.strip().split(" "))


# One warm upstream connection on one event loop: client after client gets the same one.
REUSE_ARGS = ("--pool-min-idle", "1", "--pool-max-idle", "1", "--threads", "1")


def wait_back_in_pool(direct, conn_id, timeout=15):
    """Waits until upstream connection `conn_id` was released: its last command in Redis is
    the pool's RESET (or a login after it), or it is gone. `direct` is a redis-py client
    straight to Redis."""
    def back_in_pool():
        entry = next((c for c in direct.client_list() if c["id"] == str(conn_id)), None)
        return entry is None or entry["cmd"] in ("reset", "auth", "select")

    wait_until(back_in_pool, timeout, f"upstream connection {conn_id} to be reset")


def proc_rss_bytes(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise AssertionError(f"no VmRSS for pid {pid}")


# --------------------------------------------------------------------------- redis-server


class RedisServer:
    """A real redis-server on a loopback port, in its own directory.

    With `tls` (a `tls_support.RedisTLS`), `port` is its TLS port and it has no plaintext
    port, unless `tls.plain` gives it one (`plain_port`); `client()`, `raw()` and `url()`
    then speak TLS (trusting the test CA and presenting the test client certificate).
    """

    def __init__(self, workdir, args=(), port=None, password=None, tls=None):
        self.workdir = str(workdir)
        self.args = list(args) + (["--requirepass", password] if password else [])
        self.port = port
        self.password = password
        self.tls = tls
        self.plain_port = None
        self.proc = None
        self._clients = []

    def start(self):
        fixed = self.port is not None
        for _ in range(5):
            port = self.port if fixed else free_port()
            log = os.path.join(self.workdir, f"redis-{port}.log")
            if self.tls is None:
                listen = ["--port", str(port)]
            else:
                if self.tls.plain and not (fixed and self.plain_port):
                    self.plain_port = free_port()
                listen = self.tls.server_args(port, self.plain_port)
            self.proc = subprocess.Popen(
                ["redis-server", *listen, "--bind", LOOPBACK, "--save", "", "--appendonly", "no",
                 "--dir", self.workdir, "--logfile", log, *self.args],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
            self.port = port
            if self._wait_ready(log):
                return self
            self.proc.wait(timeout=10)
            if fixed:
                break
            self.port = None
        raise AssertionError(f"redis-server did not start (port {port}); see {log}")

    def _wait_ready(self, log):
        def ready():
            if self.proc.poll() is not None:
                return "exited"
            try:
                # Whether it answers, not whether its certificate is good (some tests give it a bad one).
                tls = self.tls.client(verify=False) if self.tls else None
                with RawClient(self.port, timeout=2, tls=tls) as raw:
                    raw.send(b"PING\r\n")
                    line = raw.read_line()
                    return "ok" if line in (b"+PONG",) or line.startswith(b"-NOAUTH") else None
            except OSError:  # ssl.SSLError included
                return None

        return wait_until(ready, 20, f"redis-server on port {self.port}") == "ok"

    @property
    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def client(self, **kwargs):
        """A redis-py client connected straight to Redis (no proxy); over TLS on a TLS server."""
        kwargs.setdefault("password", self.password)
        kwargs.setdefault("socket_timeout", 30)
        kwargs.setdefault("single_connection_client", True)
        if self.tls is not None:
            for key, value in self.tls.client().redis_kwargs().items():
                kwargs.setdefault(key, value)
        client = redis.Redis(host=LOOPBACK, port=self.port, **kwargs)
        self._clients.append(client)
        return client

    def raw(self, **kwargs):
        """A RawClient straight to Redis; over TLS on a TLS server."""
        if self.tls is not None:
            kwargs.setdefault("tls", self.tls.client())
        return RawClient(self.port, **kwargs)

    def kill(self):
        """SIGKILL: the upstream dies without closing anything politely."""
        self.proc.kill()
        self.proc.wait(timeout=10)

    def stop(self):
        for client in self._clients:
            try:
                client.close()
            except Exception:  # noqa: BLE001 - best effort during teardown
                pass
        self._clients.clear()
        if self.running:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)

    def url(self, user=None, password=None, db=None, host=LOOPBACK):
        """redis://, or rediss:// on a TLS server (its TLS port)."""
        auth = ""
        if user is not None or password is not None:
            auth = f"{user or ''}:{password or ''}@"
        scheme = "redis" if self.tls is None else "rediss"
        return f"{scheme}://{auth}{host}:{self.port}" + (f"/{db}" if db is not None else "")


# --------------------------------------------------------------------------- redis-lens


class LensProcess:
    """One redis-lens process on free loopback ports, logs captured to files.

    With `tls` (a `tls_support.LensTLS`) it also listens with TLS (`--tls-listen`, on
    `tls_port`, with `tls.args()`), and without the plaintext port (`port` None) unless
    `tls.plain`.

    `pool_mode` ("dedicated" or "shared") adds `--pool-mode` unless `args` or `env` already
    choose one; by default it is the suite's `--lens-pool-mode` (None: no flag).
    """

    # Set by pytest_configure from --lens-pool-mode / LENS_TEST_POOL_MODE.
    default_pool_mode = None

    def __init__(self, binary, workdir, upstream, args=(), env=None, tls=None, pool_mode=None):
        self.binary = binary
        self.workdir = str(workdir)
        self.upstream = upstream
        self.args = list(args)
        mode = pool_mode or self.default_pool_mode
        if mode and "--pool-mode" not in self.args and "REDIS_LENS_POOL_MODE" not in (env or {}):
            self.args += ["--pool-mode", mode]
        self.env = env
        self.tls = tls
        self.proc = None
        self.port = None
        self.tls_port = None
        self.admin_port = None
        self.returncode = None
        self._clients = []
        self._tls_probe = None
        self._n = 0

    # -- lifecycle

    def start(self, ready=True):
        """Starts and waits until it listens; with `ready`, until a PING gets through."""
        for _ in range(5):
            self.port, self.admin_port = free_port(), free_port()
            self._n += 1
            self.stdout_path = os.path.join(self.workdir, f"lens-{self._n}.out")
            self.stderr_path = os.path.join(self.workdir, f"lens-{self._n}.err")
            listen = f"{LOOPBACK}:{self.port}"
            tls_args = []
            if self.tls is not None:
                self.tls_port = free_port()
                tls_args = ["--tls-listen", f"{LOOPBACK}:{self.tls_port}", *self.tls.args()]
                if not self.tls.plain:
                    self.port, listen = None, "none"
            argv = [self.binary, "--listen", listen, "--admin-listen",
                    f"{LOOPBACK}:{self.admin_port}", "--drain-timeout", "5", *tls_args, *self.args]
            if self.upstream is not None:  # None: from REDIS_LENS_UPSTREAM
                argv[1:1] = ["--upstream", self.upstream]
            env = lens_env(self.env)
            with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
                self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env)
            self.returncode = None
            state = wait_until(self._listening, 30, "redis-lens to listen")
            if state == "listening":
                break
            self._close_tls_probe()
            if b"cannot listen" not in self.stderr():
                raise AssertionError(f"redis-lens exited with {self.proc.returncode}: {self.logs()!r}")
        else:
            raise AssertionError("redis-lens could not find free ports in 5 attempts")
        try:
            if ready:
                wait_until(self._ping_ok, 30, "a PING through redis-lens")
                wait_until(lambda: self.http("/readyz")[0] == 200, 30, "/readyz 200")
        finally:
            self._close_tls_probe()
        return self

    def _close_tls_probe(self):
        if self._tls_probe is not None:
            self._tls_probe.close()
            self._tls_probe = None

    def _listening(self):
        if self.proc.poll() is not None:
            return "exited"
        try:
            if self.http("/healthz")[0] != 200:
                return None
            if self.port is not None:
                socket.create_connection((LOOPBACK, self.port), timeout=2).close()
            if self.tls_port is not None:
                # A whole handshake (a bare connect and close would count as a failed one), kept
                # open while start() goes on, so the proxy has long finished its side (TLS 1.3
                # lets a client finish first) when it closes.
                self._close_tls_probe()
                self._tls_probe = RawClient(self.tls_port, timeout=2, tls=self.tls.client())
            return "listening"
        except OSError:
            return None

    def _ping_ok(self):
        # Redis itself answered: PONG, or NOAUTH when it wants a password (the proxy hands
        # clients no login of its own).
        if self.port is not None:
            raw = RawClient(self.port, timeout=5)
        else:
            raw = RawClient(self.tls_port, timeout=5, tls=self.tls.client())
        with raw:
            reply = raw.command("PING")
            return reply == b"PONG" or (isinstance(reply, ErrorReply) and reply.startswith("NOAUTH"))

    @property
    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def send_signal(self, sig):
        self.proc.send_signal(sig)

    def wait_exit(self, timeout):
        """The exit code, or a failure naming what the process logged last."""
        try:
            self.returncode = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            tail = b"\n".join(self.logs().splitlines()[-5:]).decode(errors="replace")
            raise AssertionError(f"redis-lens (pid {self.proc.pid}) still running after {timeout}s; "
                                 f"last log lines:\n{tail}") from None
        return self.returncode

    def stop(self, sig=signal.SIGTERM, timeout=30):
        """Closes this test's clients, signals, and returns the exit code."""
        self.close_clients()
        if self.running:
            self.proc.send_signal(sig)
        try:
            self.returncode = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
            raise AssertionError(f"redis-lens did not exit within {timeout}s of {sig!r}")
        return self.returncode

    def close_clients(self):
        for client in self._clients:
            try:
                client.close()
            except Exception:  # noqa: BLE001 - best effort
                pass
        self._clients.clear()

    # -- clients

    def client(self, **kwargs):
        """A redis-py client through the proxy (one fixed connection by default)."""
        kwargs.setdefault("socket_timeout", 30)
        kwargs.setdefault("socket_connect_timeout", 10)
        kwargs.setdefault("single_connection_client", True)
        client = redis.Redis(host=LOOPBACK, port=self.port, **kwargs)
        self._clients.append(client)
        return client

    def raw(self, **kwargs):
        raw = RawClient(self.port, **kwargs)
        self._clients.append(raw)
        return raw

    def tls_client(self, tls=None, **kwargs):
        """A redis-py client to the TLS port, connecting as `tls` (a ClientTLS; by default
        `self.tls.client()`: trusting the test CA, with the test client certificate)."""
        kwargs.setdefault("socket_timeout", 30)
        kwargs.setdefault("socket_connect_timeout", 10)
        kwargs.setdefault("single_connection_client", True)
        for key, value in (tls or self.tls.client()).redis_kwargs().items():
            kwargs.setdefault(key, value)
        client = redis.Redis(host=LOOPBACK, port=self.tls_port, **kwargs)
        self._clients.append(client)
        return client

    def tls_raw(self, tls=None, **kwargs):
        """A RawClient to the TLS port (handshake done), as `tls` (default `self.tls.client()`)."""
        raw = RawClient(self.tls_port, tls=tls or self.tls.client(), **kwargs)
        self._clients.append(raw)
        return raw

    # -- observation

    def http(self, path):
        """(status, body text) of GET `path` on the admin port."""
        return http_get(self.admin_port, path, timeout=5)[::2]

    def rss(self):
        return proc_rss_bytes(self.proc.pid)

    def stdout(self):
        with open(self.stdout_path, "rb") as f:
            return f.read()

    def stderr(self):
        with open(self.stderr_path, "rb") as f:
            return f.read()

    def logs(self):
        return self.stdout() + self.stderr()


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def tls_certs(tmp_path_factory):
    """The test PKI (tls_support.TLSCertificates), made once per session. Shared: a test
    that changes certificate files copies them first."""
    return TLSCertificates.generate(tmp_path_factory.mktemp("tls-certs"))


@pytest.fixture
def redis_factory(tmp_path_factory):
    """Starts redis-servers: `redis_factory(*extra_args, port=None, password=None, tls=None)`
    (`tls` a tls_support.RedisTLS)."""
    servers = []

    def make(*args, port=None, password=None, tls=None):
        workdir = tmp_path_factory.mktemp("redis")
        server = RedisServer(workdir, args=args, port=port, password=password, tls=tls)
        servers.append(server)
        return server.start()

    yield make
    for server in servers:
        server.stop()


@pytest.fixture
def server(redis_factory):
    """One plain redis-server for the test."""
    return redis_factory()


@pytest.fixture
def lens_factory(lens_bin, tmp_path_factory, request):
    """Starts redis-lens: `lens_factory(upstream, *extra_args, env=None, ready=True, tls=None)`.

    `upstream` is a RedisServer (a TLS one gives a rediss:// URL; the test adds the
    --upstream-tls-* flags), a URL, or None (no --upstream flag). `tls` (a tls_support.LensTLS)
    adds a TLS listener. At teardown every proxy still running gets SIGTERM and must exit 0.
    A test marked `dedicated_pool` gets `--pool-mode dedicated` whenever the suite picks a mode.
    """
    proxies = []
    dedicated = request.node.get_closest_marker("dedicated_pool") is not None
    pool_mode = "dedicated" if dedicated and LensProcess.default_pool_mode else None

    def make(upstream, *args, env=None, ready=True, tls=None):
        url = upstream.url(password=upstream.password) if isinstance(upstream, RedisServer) else upstream
        lens = LensProcess(lens_bin, tmp_path_factory.mktemp("lens"), url, args=args, env=env, tls=tls,
                           pool_mode=pool_mode)
        proxies.append(lens)
        return lens.start(ready=ready)

    yield make
    failures = []
    for lens in proxies:
        if lens.running:
            code = lens.stop()
            if code != 0:
                failures.append(f"redis-lens exited {code} on SIGTERM; logs: {lens.logs()[-2000:]!r}")
    if failures:
        pytest.fail("\n".join(failures))


@pytest.fixture
def proxy(server, lens_factory):
    """redis-lens with default settings in front of `server`."""
    return lens_factory(server)
