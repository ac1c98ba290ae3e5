"""Large values go through whole, and a slow reader does not make the proxy buffer them."""

import hashlib
import os
import time

import pytest

from conftest import Background, encode, wait_until

MiB = 1024 * 1024


def test_100_mib_value_round_trip(server, proxy):
    value = os.urandom(100 * MiB)
    digest = hashlib.sha256(value).hexdigest()
    r = proxy.client(socket_timeout=120)
    assert r.set("big:100", value) is True
    del value
    assert server.client(socket_timeout=120).strlen("big:100") == 100 * MiB
    got = r.get("big:100")
    assert len(got) == 100 * MiB
    assert hashlib.sha256(got).hexdigest() == digest


def _expected_digest(size):
    """sha256 of b"head" + zeros + b"z", the value SETRANGE builds below."""
    digest = hashlib.sha256(b"head")
    zeros = bytes(MiB)
    remaining = size - 5
    while remaining > 0:
        step = min(remaining, MiB)
        digest.update(zeros[:step])
        remaining -= step
    digest.update(b"z")
    return digest.hexdigest()


def check_stuck_reader_of_200_mib(direct, warm, rss, open_raw, limit):
    """A client that stops reading a 200 MiB reply: the proxy's RSS (`rss()`) grows by less
    than `limit` while Redis holds the rest, then the client reads every byte. `warm` is a
    client through the proxy, `open_raw(rcvbuf)` opens a RawClient through it."""
    size = 200 * MiB
    assert direct.setrange("big:200", size - 1, "z") == size
    assert direct.setrange("big:200", 0, "head") == size
    assert warm.strlen("big:200") == size
    baseline = rss()

    raw = open_raw(64 * 1024)
    raw.send(encode("GET", "big:200"))

    # Poll until the reply is stuck: Redis holds the rest of it in the output buffer of
    # the proxy's upstream connection and that amount stops changing.
    peak = baseline
    history = []
    deadline = time.monotonic() + 60
    while True:
        peak = max(peak, rss())
        getters = [c for c in direct.client_list() if c["cmd"] == "get"]
        history.append(int(getters[0]["omem"]) if getters else None)
        recent = history[-15:]
        if len(recent) == 15 and recent[0] and all(v == recent[0] for v in recent):
            break
        assert time.monotonic() < deadline, f"reply never settled; omem history {history[-20:]}"
        time.sleep(0.1)  # sampling interval, not synchronisation
    peak = max(peak, rss())
    assert peak - baseline < limit, f"proxy RSS grew by {(peak - baseline) / MiB:.0f} MiB"
    # Most of the value is still waiting inside Redis, not in the proxy.
    assert history[-1] > 20 * MiB

    # Now the client reads everything and gets exactly the value.
    assert raw.read_line() == b"$%d" % size
    digest = hashlib.sha256()
    remaining = size
    if raw.buf:
        chunk = bytes(raw.buf[:remaining])
        del raw.buf[:len(chunk)]
        digest.update(chunk)
        remaining -= len(chunk)
    while remaining > 0:
        chunk = raw.sock.recv(min(remaining, 4 * MiB))
        assert chunk, f"connection closed with {remaining} bytes missing"
        digest.update(chunk)
        remaining -= len(chunk)
        peak = max(peak, rss())
    assert raw.read_exact(2) == b"\r\n"
    assert digest.hexdigest() == _expected_digest(size)
    assert peak - baseline < limit, f"proxy RSS grew by {(peak - baseline) / MiB:.0f} MiB while reading"
    assert raw.command("PING") == b"PONG"


@pytest.mark.dedicated_pool  # shared mode holds an unread reply in the proxy, not in Redis (README)
def test_stuck_reader_of_200_mib_does_not_balloon_proxy_memory(server, proxy):
    check_stuck_reader_of_200_mib(
        server.client(socket_timeout=60), proxy.client(), proxy.rss,
        lambda rcvbuf: proxy.raw(timeout=120, rcvbuf=rcvbuf), limit=150 * MiB)


def test_large_value_written_directly_read_through_proxy_and_back(server, proxy):
    value = bytes(range(256)) * (8 * 4096)  # 8 MiB with every byte value, incl. \r \n \0
    server.client().set("big:8", value)
    r = proxy.client()
    assert r.get("big:8") == value
    pipe = r.pipeline(transaction=False)
    for i in range(5):
        pipe.set(f"big:copy{i}", value)
        pipe.get(f"big:copy{i}")
    results = pipe.execute()
    assert results == [True, value] * 5


def test_request_to_a_stalled_upstream_is_not_buffered(redis_factory, lens_factory):
    """While Redis reads nothing (DEBUG SLEEP), a client uploading 200 MiB is held back.

    The proxy stops reading the client once its upstream socket is full, so its memory
    stays flat; when Redis wakes up the upload completes and is stored whole.
    """
    server = redis_factory("--enable-debug-command", "yes")
    proxy = lens_factory(server)
    size = 200 * MiB
    baseline = proxy.rss()
    sleeper = server.client(socket_timeout=30)
    sleep_job = Background(lambda: sleeper.execute_command("DEBUG", "SLEEP", "3"))

    def redis_asleep():
        try:
            server.raw(timeout=0.2).command("PING")
            return False
        except OSError:
            return True

    wait_until(redis_asleep, 10, "Redis to be inside DEBUG SLEEP")
    raw = proxy.raw(timeout=60)
    chunk = b"u" * MiB
    header = b"*3\r\n$3\r\nSET\r\n$7\r\nbig:up!\r\n$%d\r\n" % size

    sent = [0]

    def upload():
        raw.send(header)
        for _ in range(size // MiB):
            raw.send(chunk)
            sent[0] += MiB
        raw.send(b"\r\n")

    upload_job = Background(upload)
    peak, sent_while_asleep = baseline, 0
    while sleep_job.thread.is_alive():  # ends with DEBUG SLEEP, about 3 s
        sent_while_asleep = sent[0]
        peak = max(peak, proxy.rss())
        time.sleep(0.05)
    sleep_job.join()
    assert peak - baseline < 150 * MiB, f"proxy RSS grew by {(peak - baseline) / MiB:.0f} MiB"
    # The client really was held back (it could send 200 MiB in well under 3 s otherwise).
    assert sent_while_asleep < size // 2, f"{sent_while_asleep / MiB:.0f} MiB accepted while Redis slept"
    upload_job.join(timeout=120)
    assert raw.read_reply() == b"OK"
    assert server.client().strlen("big:up!") == size
