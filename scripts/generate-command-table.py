#!/usr/bin/env python3
"""Generates Sources/RedisCommands/BuiltinCommands.swift from the installed redis-server.

Starts a throwaway redis-server on a free loopback port (no persistence, temp dir),
reads its raw `COMMAND` reply over a socket, and writes one `CommandSpec` row per
command and container subcommand, sorted by name. Run from anywhere:

    python3 scripts/generate-command-table.py [--redis-server PATH]

Needs `redis-server` on PATH (or --redis-server) and, for formatting, `swift format`.
"""

import argparse
import datetime
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUTPUT = os.path.join(REPO, "Sources", "RedisCommands", "BuiltinCommands.swift")


class RESPError(Exception):
    """An error reply (`-ERR ...`)."""


class RESPReader:
    """A tiny blocking RESP2/RESP3 reader: enough for `COMMAND` and `INFO` replies."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""

    def _fill(self):
        chunk = self.sock.recv(1 << 16)
        if not chunk:
            raise ConnectionError("redis-server closed the connection")
        self.buf += chunk

    def _line(self):
        while True:
            end = self.buf.find(b"\r\n")
            if end >= 0:
                line, self.buf = self.buf[:end], self.buf[end + 2 :]
                return line
            self._fill()

    def _exact(self, n):
        while len(self.buf) < n + 2:
            self._fill()
        data, self.buf = self.buf[:n], self.buf[n + 2 :]
        return data

    def read(self):
        line = self._line()
        kind, rest = line[:1], line[1:]
        if kind in (b"+",):
            return rest.decode()
        if kind == b"-":
            raise RESPError(rest.decode())
        if kind == b":":
            return int(rest)
        if kind in (b"$", b"="):
            n = int(rest)
            return None if n < 0 else self._exact(n).decode()
        if kind in (b"*", b"~", b">"):
            n = int(rest)
            return None if n < 0 else [self.read() for _ in range(n)]
        if kind == b"%":
            return [self.read() for _ in range(2 * int(rest))]
        if kind == b"_":
            return None
        raise ValueError(f"unexpected RESP type byte {kind!r}")


def command(sock, reader, *args):
    out = b"*%d\r\n" % len(args)
    for arg in args:
        data = arg.encode()
        out += b"$%d\r\n%s\r\n" % (len(data), data)
    sock.sendall(out)
    return reader.read()


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(binary, workdir):
    port = free_port()
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", workdir, "--daemonize", "no", "--loglevel", "warning"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"redis-server exited with status {proc.returncode}")
        try:
            sock = socket.create_connection(("127.0.0.1", port), timeout=1)
            sock.settimeout(30)
            reader = RESPReader(sock)
            if command(sock, reader, "PING") == "PONG":
                return proc, sock, reader
            sock.close()
        except (OSError, RESPError):
            pass
        if time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError("redis-server did not answer PING within 10 s")
        time.sleep(0.05)


def stop_server(proc, sock):
    try:
        sock.close()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def row(entry):
    """One command or subcommand entry of the COMMAND reply, as a dict."""
    name, arity, flags, first_key, last_key, step, acl = entry[:7]
    return {
        "name": name.lower(),
        "arity": int(arity),
        "flags": [f.lower() for f in flags],
        "acl": [c.lower().lstrip("@") for c in acl],
        "first": int(first_key),
        "last": int(last_key),
        "step": int(step),
    }


def collect(reply):
    rows = []
    for entry in reply:
        rows.append(row(entry))
        subcommands = entry[9] if len(entry) > 9 and entry[9] else []
        for sub in subcommands:
            rows.append(row(sub))
    rows.sort(key=lambda r: r["name"].encode())
    names = [r["name"] for r in rows]
    if len(set(names)) != len(names):
        raise RuntimeError("duplicate command names in COMMAND reply")
    known = set(names)
    for name in names:
        if "|" in name and name.split("|", 1)[0] not in known:
            raise RuntimeError(f"subcommand {name} has no parent row")
    return rows


def swift_string(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def swift_list(items):
    return "[" + ", ".join(swift_string(i) for i in items) + "]"


def render(rows, version, date):
    top = sum(1 for r in rows if "|" not in r["name"])
    lines = [
        f"// Generated by scripts/generate-command-table.py from redis-server {version} on {date}.",
        "// Do not edit: run `python3 scripts/generate-command-table.py` to regenerate.",
        "",
        f"/// The commands of redis-server {version}, from its own `COMMAND` reply: the fallback",
        "/// when the upstream does not answer `COMMAND`.",
        "enum BuiltinCommands {",
        f"    /// One row per command and container subcommand (`config|get`), sorted by name:",
        f"    /// {top} commands and {len(rows) - top} subcommands.",
        "    static let all: [CommandSpec] = [",
    ]
    for r in rows:
        lines.append(
            f"        CommandSpec(name: {swift_string(r['name'])}, arity: {r['arity']}, "
            f"flags: {swift_list(r['flags'])}, aclCategories: {swift_list(r['acl'])}, "
            f"firstKey: {r['first']}, lastKey: {r['last']}, keyStep: {r['step']}),"
        )
    lines += ["    ]", "}", ""]
    return "\n".join(lines)


def format_swift(path):
    swift = shutil.which("swift")
    if swift is None:
        print("warning: swift not found; the generated file is not formatted", file=sys.stderr)
        return
    config = os.path.join(REPO, ".swift-format")
    subprocess.run([swift, "format", "format", "--in-place", "--configuration", config, path], check=True)
    lint = subprocess.run([swift, "format", "lint", "--strict", "--configuration", config, path])
    if lint.returncode != 0:
        raise RuntimeError("generated file is not lint-clean")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redis-server", default=shutil.which("redis-server") or "redis-server")
    parser.add_argument("--output", default=OUTPUT)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="redis-lens-commands-") as workdir:
        proc, sock, reader = start_server(args.redis_server, workdir)
        try:
            info = command(sock, reader, "INFO", "server")
            version = next(
                line.split(":", 1)[1].strip()
                for line in info.splitlines()
                if line.startswith("redis_version:")
            )
            reply = command(sock, reader, "COMMAND")
        finally:
            stop_server(proc, sock)

    rows = collect(reply)
    date = datetime.date.today().isoformat()
    with open(args.output, "w") as f:
        f.write(render(rows, version, date))
    format_swift(args.output)

    top = sum(1 for r in rows if "|" not in r["name"])
    print(f"wrote {os.path.relpath(args.output)}: {top} commands and {len(rows) - top} subcommands "
          f"from redis-server {version}")


if __name__ == "__main__":
    main()
