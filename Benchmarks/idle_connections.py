"""Opens COUNT client connections to a proxy on loopback, sends one PING on each (so the
proxy has set the connection up), and prints the proxy's resident memory before and while
they stay open, as `idle<TAB>NAME<TAB>RSS_KIB_BEFORE<TAB>RSS_KIB_WITH_CONNECTIONS`.

    python3 Benchmarks/idle_connections.py NAME PORT PID COUNT
"""

import socket
import sys


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for pid {pid}")


def main():
    name, port, pid, count = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    before = rss_kib(pid)
    connections = []
    try:
        for _ in range(count):
            connection = socket.create_connection(("127.0.0.1", port), timeout=30)
            connections.append(connection)
            connection.sendall(b"*1\r\n$4\r\nPING\r\n")
            reply = b""
            while not reply.endswith(b"\r\n"):
                chunk = connection.recv(64)
                if not chunk:
                    raise RuntimeError(f"{name} closed connection {len(connections)}")
                reply += chunk
            if reply != b"+PONG\r\n":
                raise RuntimeError(f"{name} answered PING with {reply!r}")
        print(f"idle\t{name}\t{before}\t{rss_kib(pid)}")
    finally:
        for connection in connections:
            connection.close()


if __name__ == "__main__":
    main()
