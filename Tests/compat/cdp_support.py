"""Headless Chromium driven over the Chrome DevTools Protocol, with only the standard
library: a minimal WebSocket client (RFC 6455, text frames, client-side masking) and a
`Browser` that starts `chromium --headless --remote-debugging-port=0` in a temporary
profile and talks to its first page."""

import base64
import json
import os
import shutil
import socket
import struct
import subprocess
import time
import urllib.request

from conftest import LOOPBACK, wait_until


class WebSocket:
    """One WebSocket connection to a `ws://127.0.0.1:PORT/PATH` URL."""

    def __init__(self, url, timeout=30):
        assert url.startswith("ws://"), url
        hostport, _, path = url[len("ws://"):].partition("/")
        host, _, port = hostport.rpartition(":")
        self.sock = socket.create_connection((host, int(port)), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        request = (f"GET /{path} HTTP/1.1\r\nHost: {hostport}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                   f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n")
        self.sock.sendall(request.encode())
        self.buf = bytearray()
        while b"\r\n\r\n" not in self.buf:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("WebSocket handshake: connection closed")
            self.buf += chunk
        head, _, rest = bytes(self.buf).partition(b"\r\n\r\n")
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise ConnectionError(f"WebSocket handshake refused: {head[:200]!r}")
        self.buf = bytearray(rest)

    def send(self, text):
        payload = text.encode()
        header = bytearray([0x81])  # FIN, text
        if len(payload) < 126:
            header.append(0x80 | len(payload))
        elif len(payload) < 65536:
            header += bytes([0x80 | 126]) + struct.pack(">H", len(payload))
        else:
            header += bytes([0x80 | 127]) + struct.pack(">Q", len(payload))
        mask = os.urandom(4)
        header += mask
        self.sock.sendall(bytes(header) + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def _read(self, count):
        while len(self.buf) < count:
            chunk = self.sock.recv(1 << 16)
            if not chunk:
                raise ConnectionError("WebSocket closed")
            self.buf += chunk
        data = bytes(self.buf[:count])
        del self.buf[:count]
        return data

    def receive(self):
        """The next whole text message (continuation frames joined; pings ignored)."""
        message = bytearray()
        while True:
            first, second = self._read(2)
            length = second & 0x7F
            if length == 126:
                length = struct.unpack(">H", self._read(2))[0]
            elif length == 127:
                length = struct.unpack(">Q", self._read(8))[0]
            mask = self._read(4) if second & 0x80 else None
            payload = self._read(length)
            if mask:
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
            opcode = first & 0x0F
            if opcode == 0x8:
                raise ConnectionError("WebSocket closed by the browser")
            if opcode in (0x9, 0xA):
                continue
            message += payload
            if first & 0x80:
                return message.decode()

    def close(self):
        self.sock.close()


class Browser:
    """Headless Chromium with a throwaway profile; `call` sends one CDP command to its page
    and returns the result, keeping every event in `events`."""

    def __init__(self, workdir):
        binary = shutil.which("chromium") or shutil.which("chromium-browser")
        assert binary, "chromium is not installed (Debian package `chromium`)"
        self.profile = os.path.join(str(workdir), "chromium-profile")
        os.makedirs(self.profile, exist_ok=True)
        self.log = open(os.path.join(str(workdir), "chromium.log"), "wb")
        self.proc = subprocess.Popen(
            [binary, "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run", "--no-default-browser-check",
             "--disable-extensions", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--metrics-recording-only", "--disable-default-apps", "--mute-audio",
             "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
             f"--user-data-dir={self.profile}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log)
        self.ws = None
        self.events = []
        self.handlers = {}
        self._pending = []
        self._id = 0
        try:
            port_file = os.path.join(self.profile, "DevToolsActivePort")
            port = wait_until(lambda: self._read_port(port_file), 60, "chromium's DevToolsActivePort")
            self.port = port

            def page_target():
                with urllib.request.urlopen(f"http://{LOOPBACK}:{port}/json/list", timeout=5) as response:
                    targets = json.loads(response.read())
                return next((t for t in targets if t.get("type") == "page"), None)

            target = wait_until(page_target, 60, "chromium's page target")
            self.ws = WebSocket(target["webSocketDebuggerUrl"])
        except BaseException:
            self.close()
            raise

    def _read_port(self, path):
        if self.proc.poll() is not None:
            raise AssertionError(f"chromium exited with {self.proc.returncode}")
        with open(path) as f:
            first = f.readline().strip()
        return int(first) if first else None

    def call(self, method, **params):
        """Sends one command and returns its result; events that arrive meanwhile are kept
        in `events`, and those with a handler (`handlers[method](params)`) are handled once
        the result is in."""
        self._id += 1
        ident = self._id
        self.ws.send(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.receive())
            if message.get("id") == ident:
                if "error" in message:
                    raise AssertionError(f"{method}: {message['error']}")
                result = message.get("result", {})
                break
            if "method" in message:
                self.events.append(message)
                if message["method"] in self.handlers:
                    self._pending.append(message)
        while self._pending:
            event = self._pending.pop(0)
            self.handlers[event["method"]](event["params"])
        return result

    def evaluate(self, expression):
        """The JSON value of a JavaScript expression in the page."""
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise AssertionError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression, timeout, what):
        """Polls `expression` in the page until it is truthy (returned)."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.evaluate(expression)
            if value:
                return value
            if time.monotonic() >= deadline:
                raise AssertionError(f"timed out after {timeout}s waiting for {what}")
            self.call("Runtime.evaluate", expression="new Promise(r => setTimeout(r, 100))", awaitPromise=True)

    def requested_urls(self):
        return [e["params"]["request"]["url"] for e in self.events if e["method"] == "Network.requestWillBeSent"]

    def close(self):
        if self.ws is not None:
            self.ws.close()
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
