"""Differential streams, a short fixed-seed run: every reply byte and the close through the
proxy equal Redis's own. scripts/differential.py runs the long version."""

from differential import describe, run

STREAMS = 400


def test_random_streams_byte_for_byte(redis_factory, lens_factory):
    direct, behind = redis_factory(), redis_factory()
    proxy = lens_factory(behind, "--pool-min-idle", "2", "--pool-max-idle", "2")
    count, mismatches = run(direct.port, proxy.port, STREAMS, seed=20261205)
    assert count == STREAMS
    assert not mismatches, "\n".join(describe(m) for m in mismatches[:3]) + f"\n({len(mismatches)} in all)"
    # Both servers saw the same traffic: the same keys with the same values.
    assert direct.client().dbsize() == behind.client().dbsize() > 0
