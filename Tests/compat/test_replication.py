"""SYNC/PSYNC pass through: after them the connection is a raw relay both ways (the RDB
payload, then the command stream), counted but not measured per command."""

import os
import subprocess
import threading

from conftest import RedisServer, wait_until
from metrics_support import scrape

FAST_SYNC = ("--repl-diskless-sync-delay", "0")


def test_redis_cli_rdb_through_the_proxy(redis_factory, lens_factory, tmp_path):
    server = redis_factory(*FAST_SYNC, password="repl-pw")
    proxy = lens_factory(server)
    client = server.client()
    for i in range(500):
        client.set(f"rdb:{i}", "x" * (i % 50))
    client.hset("rdb:hash", mapping={"a": 1, "b": 2})
    path = tmp_path / "backup.rdb"
    proc = subprocess.run(["redis-cli", "-p", str(proxy.port), "-a", "repl-pw", "--no-auth-warning", "--rdb", str(path)],
                          capture_output=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert b"Transfer finished with success" in proc.stdout + proc.stderr
    check = subprocess.run(["redis-check-rdb", str(path)], capture_output=True, timeout=60)
    assert check.returncode == 0, check.stdout
    assert b"RDB looks OK" in check.stdout, check.stdout
    assert b"501 keys read" in check.stdout, check.stdout
    assert scrape(proxy).get("redislens_replication_bytes_total", direction="from_upstream") >= os.path.getsize(path)
    wait_until(lambda: scrape(proxy).get("redislens_replication_streams") == 0, 10, "the stream to end")


def test_a_replica_of_the_proxy_syncs_and_follows_writes(redis_factory, lens_factory, tmp_path):
    server = redis_factory(*FAST_SYNC, password="repl-pw")
    proxy = lens_factory(server)
    writer = server.client()
    writer.set("before:sync", "1")
    replica = RedisServer(tmp_path, args=["--replicaof", "127.0.0.1", str(proxy.port), "--masterauth", "repl-pw"])
    replica.start()
    try:
        reader = replica.client()
        wait_until(lambda: reader.info("replication")["master_link_status"] == "up", 30, "the replica's sync")
        assert reader.get("before:sync") == b"1"
        # Writes made by another client, through the proxy, reach the replica through the proxy.
        through = proxy.client(password="repl-pw")
        for i in range(100):
            through.set(f"after:{i}", i)
        wait_until(lambda: reader.get("after:99") == b"99", 20, "the replica to follow the writes")
        assert scrape(proxy).get("redislens_replication_streams") == 1
        master = server.client().info("replication")
        assert master["connected_slaves"] == 1
    finally:
        replica.stop()
    wait_until(lambda: scrape(proxy).get("redislens_replication_streams") == 0, 10, "the stream to end")
    # The stream carried no per-command telemetry: only the writer's commands were counted.
    assert scrape(proxy).get("redislens_commands_total", command="set", category="write") == 100


def test_redis_cli_replica_prints_the_stream(server, lens_factory):
    server.stop()
    server.args += list(FAST_SYNC)
    server.start()
    proxy = lens_factory(server)
    proc = subprocess.Popen(["stdbuf", "-oL", "redis-cli", "-p", str(proxy.port), "--replica"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    lines = []
    reader = threading.Thread(target=lambda: lines.extend(iter(proc.stdout.readline, b"")), daemon=True)
    reader.start()
    try:
        wait_until(lambda: any(line.startswith(b"SYNC done") for line in lines), 30, "redis-cli to sync")
        with proxy.raw() as raw:
            assert raw.command("SET", "seen:by", "replica") == b"OK"
        wait_until(lambda: any(b'"set","seen:by","replica"' in line.lower() for line in lines), 20,
                   "the SET in the stream redis-cli prints")
        assert scrape(proxy).get("redislens_replication_streams") == 1
    finally:
        proc.kill()
        proc.wait(timeout=10)
