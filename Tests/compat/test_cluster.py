"""Redis Cluster through redis-lens (`--upstream redis+cluster://`): a real 6-node cluster
(3 primaries, 3 replicas) on loopback, redis-lens in front of it with one port per node.

Cluster clients (redis-py's RedisCluster, `redis-cli -c`) bootstrap from the proxy's entry
port and must only ever see proxy addresses; resharding and a failover during traffic
surface no error to the application; a node's proxy port answers as the node does.
One cluster and one proxy for the whole module (they take a few seconds to form).
"""

import json
import random
import re
import socket
import subprocess
import threading
import time

import pytest
import redis
from redis.cluster import RedisCluster
from redis.crc import key_slot

from conftest import LOOPBACK, LensProcess, RawClient, wait_until
from differential import StreamGenerator, describe, exchange
from metrics_support import promtool_check, scrape

NODES = 6
MAX_NODES = 8


def _port_free(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((LOOPBACK, port))
        except OSError:
            return False
    return True


def free_range(count, low, high, rng):
    """`count` consecutive loopback ports in [low, high) that were free a moment ago (a node's
    cluster bus port, its port + 10000, too when `bus`)."""
    for _ in range(200):
        base = rng.randrange(low, high - count)
        if all(_port_free(port) for port in range(base, base + count)):
            return base
    raise AssertionError("no free port range")


class Cluster:
    """Redis servers in cluster mode on loopback, joined by `redis-cli --cluster create`
    (`count` nodes, `replicas` per primary); over TLS only with `tls` (a tls_support.RedisTLS:
    `tls-port`, `tls-cluster` and `tls-replication`, no plaintext port)."""

    def __init__(self, workdir, count=NODES, replicas=1, tls=None):
        self.workdir = workdir
        self.count = count
        self.replicas = replicas
        self.tls = tls
        self.procs = {}
        self.ports = []

    def start(self):
        rng = random.Random()
        for _ in range(5):
            base = free_range(self.count, 20000, 29000, rng)
            if all(_port_free(port + 10000) for port in range(base, base + self.count)):
                break
        self.ports = list(range(base, base + self.count))
        for port in self.ports:
            self._spawn(port)
        for port in self.ports:
            wait_until(lambda port=port: self.client(port).ping(), 20, f"cluster node {port} to answer")
        tls_args = self.tls.client().cli_args() if self.tls else []
        subprocess.run(
            ["redis-cli", *tls_args, "--cluster", "create", *[f"{LOOPBACK}:{port}" for port in self.ports],
             "--cluster-replicas", str(self.replicas), "--cluster-yes"],
            check=True, capture_output=True, timeout=60)
        self.wait_consistent(replicated=self.replicas > 0)
        return self

    def _spawn(self, port):
        directory = self.workdir / f"node-{port}"
        directory.mkdir()
        listen = ["--port", str(port)]
        if self.tls is not None:
            listen = self.tls.server_args(port) + ["--tls-cluster", "yes", "--tls-replication", "yes"]
        self.procs[port] = subprocess.Popen(
            ["redis-server", *listen, "--bind", LOOPBACK, "--cluster-enabled", "yes",
             "--cluster-config-file", f"nodes-{port}.conf", "--cluster-node-timeout", "2000",
             # A replica's full sync starts at once (Redis 7 waits 5 s for more replicas by default),
             # and a primary pings its replicas every second (default 10): CLUSTER SLOTS lists a
             # replica only once its replication offset is not 0, which takes the first ping.
             "--repl-diskless-sync-delay", "0", "--repl-ping-replica-period", "1",
             "--appendonly", "no", "--save", "", "--dir", str(directory), "--logfile", "redis.log"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def start_node(self):
        """One more (empty) cluster node on a free port, not yet part of the cluster."""
        rng = random.Random()
        while True:
            port = rng.randrange(30000, 39000)
            if _port_free(port) and _port_free(port + 10000) and port not in self.procs:
                break
        self._spawn(port)
        wait_until(lambda: self.client(port).ping(), 20, f"cluster node {port} to answer")
        return port

    def client(self, port):
        tls = self.tls.client().redis_kwargs() if self.tls else {}
        return redis.Redis(host=LOOPBACK, port=port, socket_timeout=10, decode_responses=True, **tls)

    def wait_consistent(self, timeout=30, replicated=True):
        """Until every node says cluster_state:ok and all agree on who holds which slots and
        which replicas follow each primary (with `replicated`: every primary has one)."""
        def consistent():
            views = set()
            for port in self.ports:
                client = self.client(port)
                if client.execute_command("CLUSTER", "INFO").find("cluster_state:ok") < 0:
                    return False
                slots = self.slots(port)
                if replicated and any(len(entry) < 4 for entry in slots):
                    return False  # a replica this node has not heard of yet
                views.add(tuple(sorted((s[0], s[1], s[2][1], tuple(sorted(r[1] for r in s[3:]))) for s in slots)))
            return len(views) == 1
        wait_until(consistent, timeout, "the cluster to be consistent", interval=0.1)

    def slots(self, port):
        """CLUSTER SLOTS of `port` as a list of (start, end, [host, port, id], replicas...)."""
        return self.client(port).execute_command("CLUSTER SLOTS")

    def nodes(self, port=None):
        """{port: (id, role, primary id)} from CLUSTER NODES."""
        text = self.client(port or self.ports[0]).execute_command("CLUSTER", "NODES")
        if isinstance(text, dict):
            return {int(address.split(":")[1].split("@")[0]): (v["node_id"], "master" if "master" in v["flags"]
                                                                else "slave", v["master_id"])
                    for address, v in text.items()}
        out = {}
        for line in text.splitlines():
            fields = line.split()
            role = "master" if "master" in fields[2] else "slave"
            out[int(fields[1].split("@")[0].split(":")[1])] = (fields[0], role, fields[3])
        return out

    def stop(self):
        for proc in self.procs.values():
            proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    cluster = Cluster(tmp_path_factory.mktemp("cluster")).start()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="module")
def lens(cluster, lens_bin, tmp_path_factory):
    seeds = ",".join(f"{LOOPBACK}:{port}" for port in cluster.ports[:2])
    base = free_range(MAX_NODES, 40000, 50000, random.Random())
    lens = LensProcess(
        lens_bin, tmp_path_factory.mktemp("lens"), f"redis+cluster://{seeds}",
        args=["--cluster-listen-base", str(base), "--cluster-max-nodes", str(MAX_NODES),
              "--cluster-refresh-interval", "0.5", "--pool-min-idle", "2"])
    lens.start()
    lens.node_base = base
    wait_until(lambda: scrape(lens).get("redislens_cluster_node_listeners") == NODES, 30,
               "a proxy port for every node")
    yield lens
    assert lens.stop() == 0, lens.logs()[-2000:]


def node_ports(lens):
    """{real node port: proxy port}, from the proxy's own CLUSTER NODES (rewritten)."""
    text = RawClient(lens.port).command("CLUSTER", "NODES")
    ports = {}
    for line in text.decode().splitlines():
        proxy_port = int(line.split()[1].split("@")[0].split(":")[1])
        if lens.node_base <= proxy_port < lens.node_base + MAX_NODES:
            ports[proxy_port] = line.split()[0]
    return ports


def proxy_port_of(lens, cluster, real_port):
    """The proxy port serving the node on `real_port` (matched by node id)."""
    node_id = cluster.nodes()[real_port][0]
    for proxy_port, proxied_id in node_ports(lens).items():
        if proxied_id == node_id:
            return proxy_port
    raise AssertionError(f"no proxy port for node {real_port}")


def cluster_client(lens, **kwargs):
    kwargs.setdefault("socket_timeout", 10)
    kwargs.setdefault("decode_responses", True)
    return RedisCluster(host=LOOPBACK, port=lens.port, **kwargs)


def keys_for_every_slot():
    """One key per slot: `k{<tag>}` whose hash tag lands in that slot."""
    keys = {}
    index = 0
    while len(keys) < 16384:
        tag = f"t{index}"
        keys.setdefault(key_slot(tag.encode()), f"k{{{tag}}}")
        index += 1
    return [keys[slot] for slot in range(16384)]


def real_ports_in(text, cluster):
    return sorted({int(p) for p in re.findall(r":(\d+)", text) if int(p) in cluster.ports})


# --------------------------------------------------------------------------- topology


def shard_ports(shards):
    """Every node's `port` in a CLUSTER SHARDS reply (flat key/value lists)."""
    ports = []
    for shard in shards:
        fields = dict(zip(shard[::2], shard[1::2]))
        for node in fields[b"nodes"]:
            node_fields = dict(zip(node[::2], node[1::2]))
            ports.append(int(node_fields[b"port"]))
    return ports


def nodes_ports(text):
    """The client port of every line of a CLUSTER NODES reply."""
    return [int(line.split()[1].split("@")[0].rsplit(":", 1)[1]) for line in text.decode().splitlines()]


def test_topology_replies_name_only_proxy_ports(cluster, lens):
    proxy_ports = set(range(lens.node_base, lens.node_base + MAX_NODES))
    raw = RawClient(lens.port)
    slots = raw.command("CLUSTER", "SLOTS")
    slot_ports = [int(node[1]) for entry in slots for node in entry[2:]]
    assert len(slot_ports) == NODES and set(slot_ports) <= proxy_ports, slots
    assert set(shard_ports(raw.command("CLUSTER", "SHARDS"))) == set(slot_ports)
    assert set(nodes_ports(raw.command("CLUSTER", "NODES"))) == set(slot_ports)
    primary_id = next(node_id for node_id, role, _ in cluster.nodes().values() if role == "master")
    replicas = wait_until(lambda: raw.command("CLUSTER", "REPLICAS", primary_id), 10, "the entry node to list replicas")
    assert set(nodes_ports(b"\n".join(replicas))) <= proxy_ports, replicas
    raw.close()


def test_every_slot_reads_and_writes_through_the_proxy(cluster, lens):
    before = scrape(lens).sum("redislens_commands_total", command="set")
    client = cluster_client(lens)
    try:
        proxy_ports = {node.port for node in client.get_nodes()}
        assert proxy_ports <= set(range(lens.node_base, lens.node_base + MAX_NODES)), proxy_ports
        keys = keys_for_every_slot()
        pipe = client.pipeline()
        for key in keys:
            pipe.set(key, key[::-1])
        assert all(pipe.execute())
        pipe = client.pipeline()
        for key in keys:
            pipe.get(key)
        assert pipe.execute() == [key[::-1] for key in keys]
    finally:
        client.close()
    # Every SET went through the proxy (and was counted there).
    assert scrape(lens).sum("redislens_commands_total", command="set") - before >= 16384


def test_redis_cli_follows_redirections_through_the_proxy(cluster, lens):
    keys = keys_for_every_slot()
    for key in (keys[0], keys[8000], keys[16383]):
        out = subprocess.run(["redis-cli", "-c", "-p", str(lens.port), "SET", key, "cli-" + key],
                             capture_output=True, text=True, timeout=30)
        assert out.stdout.strip() == "OK", out
        out = subprocess.run(["redis-cli", "-c", "-p", str(lens.port), "GET", key],
                             capture_output=True, text=True, timeout=30)
        assert out.stdout.strip() == "cli-" + key, out
    # Without -c the redirection is visible, and names a proxy port.
    moved = ""
    for key in (keys[0], keys[8000], keys[16383]):
        out = subprocess.run(["redis-cli", "-p", str(lens.port), "GET", key], capture_output=True, text=True,
                             timeout=30)
        if "MOVED" in out.stdout:
            moved = out.stdout
    assert moved, "the entry node holds every slot?"
    port = int(moved.strip().rsplit(":", 1)[1])
    assert lens.node_base <= port < lens.node_base + MAX_NODES, moved


# --------------------------------------------------------------------------- topology changes under traffic


class Writer(threading.Thread):
    """Writes k0, k1, ... through the proxy with RedisCluster until stopped; records errors."""

    def __init__(self, lens, prefix):
        super().__init__(daemon=True)
        self.client = cluster_client(lens, cluster_error_retry_attempts=10,
                                     retry=redis.retry.Retry(redis.backoff.ExponentialBackoff(cap=0.5, base=0.02), 10))
        self.prefix = prefix
        self.written = 0
        self.errors = []
        self.stopping = threading.Event()

    def run(self):
        try:
            while not self.stopping.is_set() and self.written < 200000:
                key = f"{self.prefix}{self.written}"
                try:
                    self.client.set(key, str(self.written))
                except Exception as error:  # noqa: BLE001 - recorded, asserted on by the test
                    self.errors.append(repr(error))
                    if len(self.errors) > 20:
                        return
                    continue
                self.written += 1
        finally:
            self.client.close()

    def wait_progress(self, count=200):
        start = self.written
        wait_until(lambda: self.written >= start + count or self.errors, 30, "the writer to make progress")

    def finish(self):
        self.stopping.set()
        self.join(timeout=60)
        assert not self.is_alive()


def check_written(lens, writer):
    client = cluster_client(lens)
    try:
        keys = [f"{writer.prefix}{i}" for i in range(writer.written)]
        values = []
        for start in range(0, len(keys), 1000):
            pipe = client.pipeline()
            for key in keys[start:start + 1000]:
                pipe.get(key)
            values += pipe.execute()
        assert values == [str(i) for i in range(writer.written)]
    finally:
        client.close()


def test_resharding_during_traffic_is_invisible_to_the_application(cluster, lens):
    nodes = cluster.nodes()
    primaries = sorted((port, node_id) for port, (node_id, role, _) in nodes.items() if role == "master")
    (source_port, source), (_, target) = primaries[0], primaries[1]
    redirections_before = scrape(lens).sum("redislens_command_errors_total", error="MOVED")
    writer = Writer(lens, "reshard:")
    writer.start()
    writer.wait_progress()
    result = subprocess.run(
        ["redis-cli", "--cluster", "reshard", f"{LOOPBACK}:{source_port}", "--cluster-from", source,
         "--cluster-to", target, "--cluster-slots", "200", "--cluster-yes"],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    cluster.wait_consistent()
    writer.wait_progress()
    writer.finish()
    assert not writer.errors, writer.errors[:5]
    check_written(lens, writer)
    # The writer was redirected (its slot map went stale) and followed through the proxy.
    assert scrape(lens).sum("redislens_command_errors_total", error="MOVED") > redirections_before
    # The proxy's view follows: its CLUSTER SLOTS gives the moved slots to the target's port.
    target_proxy = proxy_port_of(lens, cluster, next(p for p, (i, _, _) in cluster.nodes().items() if i == target))
    def moved_in_proxy_view():
        ranges = RawClient(lens.port).command("CLUSTER", "SLOTS")
        owned = sum(r[1] - r[0] + 1 for r in ranges if int(r[2][1]) == target_proxy)
        return owned >= 16384 // 3 + 200
    wait_until(moved_in_proxy_view, 10, "the proxy's CLUSTER SLOTS to show the resharding")


def test_failover_during_traffic_is_invisible_to_the_application(cluster, lens):
    nodes = cluster.nodes()
    replica_port, (replica_id, _, primary_id) = next(
        (port, node) for port, node in sorted(nodes.items()) if node[1] == "slave")
    writer = Writer(lens, "failover:")
    writer.start()
    writer.wait_progress()
    assert cluster.client(replica_port).execute_command("CLUSTER", "FAILOVER") in ("OK", True, b"OK")
    wait_until(lambda: cluster.nodes(replica_port)[replica_port][1] == "master", 30, "the replica to take over")
    cluster.wait_consistent()
    writer.wait_progress()
    writer.finish()
    assert not writer.errors, writer.errors[:5]
    check_written(lens, writer)
    # The proxy's CLUSTER NODES shows the new roles under the same proxy ports.
    proxy_port = proxy_port_of(lens, cluster, replica_port)
    def promoted_in_proxy_view():
        text = RawClient(lens.port).command("CLUSTER", "NODES").decode()
        line = next(line for line in text.splitlines() if line.startswith(replica_id))
        return f":{proxy_port}@" in line and "master" in line.split()[2]
    wait_until(promoted_in_proxy_view, 10, "the proxy's CLUSTER NODES to show the failover")
    wait_until(lambda: scrape(lens).get("redislens_cluster_nodes", role="primary") == 3, 10,
               "the proxy's metrics to count 3 primaries again")


# --------------------------------------------------------------------------- metrics


def test_metrics_describe_the_cluster_and_pass_promtool(cluster, lens):
    wait_until(lambda: scrape(lens).get("redislens_cluster_nodes", role="replica") == 3, 10, "3 replicas")
    expo = scrape(lens)
    assert expo.get("redislens_cluster_nodes", role="primary") == 3
    assert expo.get("redislens_cluster_node_listeners") == NODES
    assert expo.get("redislens_cluster_topology_refreshes_total", result="ok") >= 1
    # Every node's INFO, labelled with the node's own address.
    wait_until(lambda: len(scrape(lens).series("redis_up")) == NODES, 15, "an INFO poll of every node")
    up = scrape(lens).series("redis_up")
    assert {labels["node"] for labels, _ in up} == {f"{LOOPBACK}:{port}" for port in cluster.ports}
    assert all(value == 1 for _, value in up)
    # The node pools report their own connects, apart from the INFO poll.
    expected = {f"{LOOPBACK}:{port}": 1 for port in cluster.ports}
    wait_until(lambda: scrape(lens).by_label("redislens_cluster_node_upstream_up", "node") == expected, 15,
               "every node pool connected")
    # Per-node command counts add up to /stats' totals (nothing else runs meanwhile).
    client = cluster_client(lens)
    try:
        for key in keys_for_every_slot()[::512]:
            client.set(key, "m")
    finally:
        client.close()
    expo = scrape(lens)
    by_node = expo.by_label("redislens_commands_total", "node", command="set")
    assert len(by_node) >= 3 and set(by_node) <= {f"{LOOPBACK}:{port}" for port in cluster.ports}, by_node
    stats = json.loads(lens.http("/stats")[1])
    assert sum(by_node.values()) == stats["commands"]["set"]["count"]
    status, body = lens.http("/metrics")
    assert status == 200
    code, lines = promtool_check(body)
    assert code == 0, lines


# --------------------------------------------------------------------------- transparency


def test_a_node_port_answers_as_the_node_does(cluster, lens):
    """The differential streams, sent to one primary directly and through its proxy port
    (the node flushed before each), give the same bytes but for the addresses in -MOVED,
    which name the proxy's ports."""
    nodes = cluster.nodes()
    primary = next(port for port, node in sorted(nodes.items()) if node[1] == "master")
    proxy_port = proxy_port_of(lens, cluster, primary)
    real_of = {}
    for real_port, (node_id, _, _) in nodes.items():
        real_of[proxy_port_of(lens, cluster, real_port)] = real_port
    direct = cluster.client(primary)

    def unrewritten(data):
        return re.sub(rb"(MOVED|ASK) (\d+) 127\.0\.0\.1:(\d+)",
                      lambda m: b"%s %s 127.0.0.1:%d" % (m[1], m[2], real_of.get(int(m[3]), int(m[3]))), data)

    generator = StreamGenerator(20261206)
    mismatches = []
    streams = 150
    for index in range(streams):
        fragments = generator.stream()
        direct.flushall()
        expected = exchange(primary, fragments)
        direct.flushall()
        through = exchange(proxy_port, fragments)
        through = (unrewritten(through[0]), through[1])
        if expected != through or not expected[1]:
            mismatches.append((index, fragments, expected, through))
    assert not mismatches, "\n".join(describe(m) for m in mismatches[:3]) + f"\n({len(mismatches)} in all)"


# --------------------------------------------------------------------------- a new node (last: it changes the cluster)


def test_a_node_added_to_the_cluster_gets_a_proxy_port_and_serves_its_slots(cluster, lens):
    port = cluster.start_node()
    result = subprocess.run(
        ["redis-cli", "--cluster", "add-node", f"{LOOPBACK}:{port}", f"{LOOPBACK}:{cluster.ports[0]}"],
        capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    cluster.ports.append(port)
    wait_until(lambda: scrape(lens).get("redislens_cluster_node_listeners") == NODES + 1, 20,
               "a proxy port for the new node")
    new_id = cluster.client(port).execute_command("CLUSTER", "MYID")
    wait_until(lambda: all(new_id in [node[0] for node in cluster.nodes(p).values()] for p in cluster.ports), 20,
               "every node to know the new one")
    source_port, source = next((p, node[0]) for p, node in sorted(cluster.nodes().items()) if node[1] == "master"
                               and p != port)
    result = subprocess.run(
        ["redis-cli", "--cluster", "reshard", f"{LOOPBACK}:{source_port}", "--cluster-from", source,
         "--cluster-to", new_id, "--cluster-slots", "100", "--cluster-yes"],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    cluster.wait_consistent(replicated=False)
    new_proxy_port = proxy_port_of(lens, cluster, port)
    client = cluster_client(lens)
    try:
        assert new_proxy_port in {node.port for node in client.get_nodes()}
        assert {node.port for node in client.get_nodes()} <= set(range(lens.node_base, lens.node_base + MAX_NODES))
        keys = keys_for_every_slot()
        pipe = client.pipeline()
        for key in keys:
            pipe.set(key, "new-" + key)
        assert all(pipe.execute())
        pipe = client.pipeline()
        for key in keys:
            pipe.get(key)
        assert pipe.execute() == ["new-" + key for key in keys]
    finally:
        client.close()
    assert cluster.client(port).dbsize() >= 100  # the new node's slots were written through its proxy port
