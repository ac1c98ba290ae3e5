"""Differential streams: the same random byte streams sent to one Redis directly and to an
identical second Redis through redis-lens; every reply byte and the close must match.

A stream is a random mix of commands (binary keys and values, pipelines, MULTI/EXEC and
WATCH conflicts, pub/sub in RESP2 and RESP3, HELLO 3, CLIENT REPLY OFF|SKIP|ON, blocking
commands with short timeouts, inline commands), written in random fragments, and ends in
QUIT or in a malformed frame (with replies on), so that Redis closes the connection either way. Used by
test_differential.py (a short fixed-seed run), test_tls.py (the same over TLS on both sides) and
scripts/differential.py (a long run).
"""

import random
import socket
import ssl

from conftest import encode, mask_hello_id

MALFORMED_ENDINGS = [
    b"*1\r\n$-5\r\n",
    b"*2\r\n:1\r\n",
    b"*abc\r\n",
    b"*1\r\n$xyz\r\n",
    b"*2\r\n$3\r\nGET\r\n+x\r\n",
    b"SET \"unbalanced\r\n",
    b"*1\r\n$4\r\nPING\r\n*-1\r\n*1\r\n$-1\r\n",
]


class StreamGenerator:
    """Random command streams from one seed."""

    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.index = 0

    def blob(self, max_len=24):
        rng = self.rng
        alphabet = [b"a", b"b", b"\r", b"\n", b"\r\n", b"\x00", b"\xff", b" ", b"\"", b"z"]
        return b"".join(rng.choice(alphabet) for _ in range(rng.randint(0, max_len)))

    def key(self):
        return b"d%d:" % self.index + self.blob(6)

    def plain(self):
        """One command that neither changes the connection's state nor blocks long."""
        rng, key = self.rng, self.key()
        choice = rng.randrange(14)
        if choice == 0:
            return [encode("SET", key, self.blob(rng.choice([8, 200, 5000])))]
        if choice == 1:
            return [encode("GET", key)]
        if choice == 2:
            return [encode("MGET", key, self.key(), key)]
        if choice == 3:
            return [encode("INCR", key)]
        if choice == 4:
            return [encode("HSET", key, self.blob(4), self.blob(), self.blob(4), self.blob())]
        if choice == 5:
            return [encode("HGETALL", key)]
        if choice == 6:
            return [encode("RPUSH", key, self.blob(), self.blob())]
        if choice == 7:
            return [encode("LRANGE", key, 0, -1)]
        if choice == 8:
            return [encode("DEL", key, self.key())]
        if choice == 9:
            return [encode("EXISTS", key, key)]
        if choice == 10:
            # Served at once from a list just pushed; now and then a short block that times out
            # (Redis checks timeouts about every 100 ms, so these are kept rare).
            if rng.random() < 0.05:
                return [encode("BLPOP", key + b":empty", "0.01")]
            return [encode("RPUSH", key, self.blob()), encode("BLPOP", key, "0.01")]
        if choice == 11:
            return [b"PING\r\n" if rng.random() < 0.5 else b"ECHO hello\r\n"]
        if choice == 12:
            return [encode("NOSUCHCOMMAND", key)]
        return [encode("SET", key)]  # wrong arity

    def block(self):
        """A group of commands that may change connection state and undo it."""
        rng = self.rng
        choice = rng.randrange(8)
        if choice == 0:  # a pipeline
            return [c for _ in range(rng.randint(2, 40)) for c in self.plain()]
        if choice == 1:  # a transaction, maybe with a queue-time error
            body = [c for _ in range(rng.randint(0, 5)) for c in self.plain()]
            if rng.random() < 0.3:
                body.append(encode("NOSUCHCOMMAND"))
            return [encode("MULTI")] + body + [encode(rng.choice(["EXEC", "EXEC", "DISCARD"]))]
        if choice == 2:  # WATCH, touched or not, then a transaction
            key = self.key()
            touch = [encode("SET", key, "touched")] if rng.random() < 0.5 else []
            return [encode("WATCH", key)] + touch + [encode("MULTI"), encode("GET", key), encode("EXEC")]
        if choice == 3:  # RESP2 pub/sub
            channel = b"ch%d" % self.index
            # Channels named when unsubscribing: without names, Redis's order is its hash table's.
            return [encode("SUBSCRIBE", channel, b"other"), encode("PSUBSCRIBE", b"p*"), encode("PING"),
                    encode("PING", "x"), encode("UNSUBSCRIBE", b"other"), encode("UNSUBSCRIBE", channel),
                    encode("PUNSUBSCRIBE")]
        if choice == 4:  # RESP3 with pushes, then back to RESP2
            channel = b"ch%d" % self.index
            return [encode("HELLO", "3"), encode("SUBSCRIBE", channel), encode("PUBLISH", channel, self.blob()),
                    encode("HGETALL", self.key())] + self.plain() + [encode("UNSUBSCRIBE", channel),
                                                                     encode("HELLO", "2")]
        if choice == 5:  # replies off, then on
            return [encode("CLIENT", "REPLY", "OFF")] + self.plain() + self.plain() + \
                [encode("CLIENT", "REPLY", "ON")]
        if choice == 6:  # one reply skipped
            return [encode("CLIENT", "REPLY", "SKIP")] + self.plain() + self.plain()
        return [encode("SELECT", rng.randint(0, 3))] + self.plain() + [encode("SELECT", 0)]

    def stream(self):
        """(fragments to write, description) for the next stream."""
        self.index += 1
        rng = self.rng
        commands = [c for _ in range(rng.randint(1, 12)) for c in (self.block() if rng.random() < 0.6
                                                                    else self.plain())]
        # Replies stay on at the end: with them off, whether Redis closes after QUIT or a
        # protocol error depends on whether it had other output pending (TCP timing).
        ending = rng.choice(MALFORMED_ENDINGS) if rng.random() < 0.5 else encode("QUIT")
        data = b"".join(commands) + ending
        cuts = sorted(rng.sample(range(1, len(data)), min(len(data) - 1, rng.randint(0, 12))))
        fragments = [data[a:b] for a, b in zip([0] + cuts, cuts + [len(data)])]
        return fragments


def exchange(port, fragments, timeout=15.0, tls=None):
    """Writes the fragments one by one, then reads until the server closes; over TLS with
    `tls` (a tls_support.ClientTLS), where a close with or without close_notify is a close."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    if tls is not None:
        try:
            sock = tls.wrap(sock)
        except BaseException:
            sock.close()
            raise
    received = bytearray()
    closed = False
    try:
        for fragment in fragments:
            sock.sendall(fragment)
        while True:
            chunk = sock.recv(1 << 20)
            if not chunk:
                closed = True
                break
            received += chunk
    except (ConnectionResetError, ssl.SSLEOFError):
        closed = True
    except socket.timeout:
        pass
    finally:
        sock.close()
    return mask_hello_id(bytes(received)), closed


def describe(mismatch):
    """A mismatch from `run` as text: what was sent, what each side answered."""
    index, fragments, direct, through = mismatch
    return (f"stream {index}: sent {b''.join(fragments)[:600]!r}\n  Redis  (closed={direct[1]}): {direct[0][:600]!r}\n"
            f"  proxy  (closed={through[1]}): {through[0][:600]!r}")


def run(direct_port, proxy_port, streams, seed, direct_tls=None, proxy_tls=None):
    """Runs `streams` streams; returns (count, mismatches), each mismatch a tuple of
    (stream index, fragments, direct result, proxy result). `direct_tls` and `proxy_tls`
    (tls_support.ClientTLS) make the connections to Redis or to the proxy TLS ones."""
    generator = StreamGenerator(seed)
    mismatches = []
    for index in range(streams):
        fragments = generator.stream()
        direct = exchange(direct_port, fragments, tls=direct_tls)
        through = exchange(proxy_port, fragments, tls=proxy_tls)
        if direct != through or not direct[1]:
            mismatches.append((index, fragments, direct, through))
    return streams, mismatches
