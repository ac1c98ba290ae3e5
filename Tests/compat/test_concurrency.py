"""Many clients at once, each seeing only its own data."""

import threading

from conftest import Background, LensProcess

CLIENTS = 200
ROUNDS = 150  # 150 SET + 150 GET (+ a pipeline) per client


def test_200_concurrent_clients(server, proxy):
    start = threading.Barrier(CLIENTS, timeout=60)

    def work(n):
        r = proxy.client(socket_timeout=60)
        assert r.ping()
        start.wait()
        errors = []
        for i in range(ROUNDS):
            key, value = f"conc:{n}:{i}", f"client{n}-round{i}-" + "x" * (i % 50)
            r.set(key, value)
            got = r.get(key)
            if got != value.encode():
                errors.append((key, got))
        pipe = r.pipeline(transaction=False)
        for i in range(ROUNDS):
            pipe.get(f"conc:{n}:{i}")
        values = pipe.execute()
        if values != [(f"client{n}-round{i}-" + "x" * (i % 50)).encode() for i in range(ROUNDS)]:
            errors.append(("pipeline", n))
        r.incrby("conc:total", ROUNDS)
        r.close()
        return errors

    jobs = [Background(lambda n=n: work(n)) for n in range(CLIENTS)]
    results = [job.join(timeout=240) for job in jobs]
    assert [e for e in results if e] == []
    direct = server.client()
    assert int(direct.get("conc:total")) == CLIENTS * ROUNDS
    assert direct.dbsize() == CLIENTS * ROUNDS + 1
    if LensProcess.default_pool_mode != "shared":
        # Each concurrent client needed its own upstream connection (only 4 are kept warm);
        # in shared mode they share a few (test_shared_pool.py counts those).
        assert direct.info("stats")["total_connections_received"] >= CLIENTS


def test_connection_churn(proxy):
    """Short-lived connections opened and closed in quick succession all work."""
    def churn(n):
        for i in range(25):
            r = proxy.client()
            assert r.set(f"churn:{n}", i) is True
            assert r.get(f"churn:{n}") == str(i).encode()
            r.close()
        return n

    jobs = [Background(lambda n=n: churn(n)) for n in range(16)]
    assert sorted(job.join(timeout=120) for job in jobs) == list(range(16))
