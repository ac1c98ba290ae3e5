"""Redis Cluster over TLS through redis-lens (`--upstream rediss+cluster://`): three primaries
that speak only TLS (clients, cluster bus, replication); redis-lens verifies them against
the test CA and serves plaintext cluster clients on a port per node."""

import random

import pytest

from conftest import LOOPBACK, LensProcess, RawClient, wait_until
from metrics_support import scrape
from test_cluster import Cluster, cluster_client, free_range, keys_for_every_slot
from tls_support import RedisTLS, upstream_tls_args

MAX_NODES = 4


@pytest.fixture(scope="module")
def tls_cluster(tmp_path_factory, tls_certs):
    cluster = Cluster(tmp_path_factory.mktemp("tls-cluster"), count=3, replicas=0, tls=RedisTLS(tls_certs)).start()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="module")
def tls_lens(tls_cluster, tls_certs, lens_bin, tmp_path_factory):
    base = free_range(MAX_NODES, 40000, 50000, random.Random())
    lens = LensProcess(
        lens_bin, tmp_path_factory.mktemp("tls-lens"), f"rediss+cluster://{LOOPBACK}:{tls_cluster.ports[0]}",
        args=["--cluster-listen-base", str(base), "--cluster-max-nodes", str(MAX_NODES),
              "--cluster-refresh-interval", "0.5", *upstream_tls_args(tls_certs)])
    lens.start()
    lens.node_base = base
    wait_until(lambda: scrape(lens).get("redislens_cluster_node_listeners") == 3, 30, "a proxy port for every node")
    yield lens
    assert lens.stop() == 0, lens.logs()[-2000:]


def test_every_slot_through_the_proxy_to_tls_nodes(tls_cluster, tls_lens):
    proxy_ports = set(range(tls_lens.node_base, tls_lens.node_base + MAX_NODES))
    slots = RawClient(tls_lens.port).command("CLUSTER", "SLOTS")
    assert {int(entry[2][1]) for entry in slots} <= proxy_ports, slots
    client = cluster_client(tls_lens)
    try:
        keys = keys_for_every_slot()
        pipe = client.pipeline()
        for key in keys:
            pipe.set(key, "tls")
        assert all(pipe.execute())
        assert client.get(keys[16383]) == "tls"
    finally:
        client.close()
    assert sum(tls_cluster.client(port).dbsize() for port in tls_cluster.ports) == 16384
    # The nodes' INFO is polled over TLS as well.
    wait_until(lambda: len(scrape(tls_lens).series("redis_up")) == 3, 15, "an INFO poll of every node")
    assert all(value == 1 for _, value in scrape(tls_lens).series("redis_up"))
