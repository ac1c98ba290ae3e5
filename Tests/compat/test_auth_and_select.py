"""Database selection, ACL users, upstream credentials, and clean state on pooled reuse."""

import pytest
import redis

from conftest import REUSE_ARGS, encode, parse_client_info, wait_back_in_pool


def create_alice(server):
    assert server.client().execute_command("ACL", "SETUSER", "alice", "on", ">secret", "~*", "+@all") == b"OK"


# --------------------------------------------------------------------------- SELECT


def test_select_is_per_connection(server, proxy):
    a = proxy.client()
    assert a.execute_command("SELECT", 3) is True
    assert a.set("sel:key", "in-db3") is True
    b = proxy.client()
    assert b.get("sel:key") is None
    assert b.client_info()["db"] == 0
    assert server.client(db=3).get("sel:key") == b"in-db3"
    assert server.client(db=0).get("sel:key") is None
    assert b.execute_command("SELECT", 3) is True and b.get("sel:key") == b"in-db3"


def test_select_via_redis_py_db_argument(server, proxy):
    r = proxy.client(db=5)
    r.set("sel:five", "5")
    assert server.client(db=5).get("sel:five") == b"5"
    assert r.client_info()["db"] == 5


# --------------------------------------------------------------------------- pool reuse


def _dirty(raw, step):
    """Leaves the connection in some non-default state, then the caller disconnects."""
    if step == 0:
        raw.send(encode("SELECT", "3") + encode("SET", "reuse:k", "db3"))
        assert [raw.read_reply(), raw.read_reply()] == [b"OK", b"OK"]
    elif step == 1:
        assert raw.command("CLIENT", "SETNAME", "dirty-name") == b"OK"
    elif step == 2:
        hello = raw.command("HELLO", "3", "SETNAME", "resp3-name")
        assert hello[b"proto"] == 3
    elif step == 3:
        raw.send(encode("SUBSCRIBE", "reuse:ch") + encode("PSUBSCRIBE", "reuse:*") + encode("SSUBSCRIBE", "reuse:s"))
        assert [raw.read_reply()[0] for _ in range(3)] == [b"subscribe", b"psubscribe", b"ssubscribe"]
    elif step == 4:
        raw.send(encode("WATCH", "reuse:w") + encode("MULTI") + encode("SET", "reuse:w", "never"))
        assert [raw.read_reply() for _ in range(3)] == [b"OK", b"OK", b"QUEUED"]
    elif step == 5:
        raw.send(encode("HELLO", "3") + encode("CLIENT", "TRACKING", "on") + encode("GET", "reuse:t"))
        raw.read_reply()
        assert raw.read_reply() == b"OK"
        assert raw.read_reply() is None
    elif step == 6:
        raw.send(encode("SELECT", "7") + encode("CLIENT", "REPLY", "SKIP") + encode("SET", "reuse:x", "1"))
        assert raw.read_reply() == b"OK"
    elif step == 7:
        assert raw.command("MONITOR") == b"OK"


def test_reused_upstream_connection_starts_clean(server, lens_factory):
    proxy = lens_factory(server, *REUSE_ARGS)
    direct = server.client()
    seen_ids, reused = set(), 0
    rounds = 32
    for i in range(rounds):
        with proxy.raw() as raw:
            # RESP2 on the wire: HGETALL is an array, not a map.
            raw.send(encode("HSET", "reuse:h", "f", "v") + encode("HGETALL", "reuse:h"))
            assert raw.read_exact(len(b":0\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"))[-24:].endswith(
                b"*2\r\n$1\r\nf\r\n$1\r\nv\r\n")
            info = parse_client_info(raw.command("CLIENT", "INFO"))
            assert raw.command("CLIENT", "GETNAME") is None, f"round {i}"
            assert raw.command("GET", "reuse:k") is None, f"round {i}: not on db 0"
            state = {k: info[k] for k in ("db", "name", "sub", "psub", "ssub", "multi", "resp", "flags", "user")}
            assert state == {"db": "0", "name": "", "sub": "0", "psub": "0", "ssub": "0", "multi": "-1",
                             "resp": "2", "flags": "N", "user": "default"}, f"round {i}"
            conn_id = int(info["id"])
            reused += conn_id in seen_ids
            seen_ids.add(conn_id)
            _dirty(raw, i % 8)
        wait_back_in_pool(direct, conn_id)
    # The point of the test: the same upstream connection really served many clients.
    assert reused >= rounds // 3, f"only {reused} of {rounds} clients reused an upstream connection"


def test_client_no_evict_does_not_leak_to_the_next_client(server, lens_factory):
    """`CLIENT NO-EVICT on` is per connection; a later client must not inherit it.

    Redis 7.0's RESET leaves the no-evict flag set, so a pool that only RESETs hands the
    flag (and the exemption from client eviction) to whoever gets the connection next.
    """
    proxy = lens_factory(server, *REUSE_ARGS)
    direct = server.client()
    with proxy.raw() as raw:
        first_id = int(parse_client_info(raw.command("CLIENT", "INFO"))["id"])
        assert raw.command("CLIENT", "NO-EVICT", "on") == b"OK"
        assert "e" in parse_client_info(raw.command("CLIENT", "INFO"))["flags"]
    wait_back_in_pool(direct, first_id)
    with proxy.raw() as raw:
        info = parse_client_info(raw.command("CLIENT", "INFO"))
        assert info["flags"] == "N", f"client {info['id']} (first was {first_id}) starts with flags={info['flags']}"


def test_redis_py_clients_on_reused_connection(server, lens_factory):
    proxy = lens_factory(server, *REUSE_ARGS)
    for i in range(10):
        r = proxy.client()
        assert r.client_getname() is None
        info = r.client_info()
        assert (info["db"], info["name"], info["resp"], info["sub"]) == (0, "", "2", 0), f"round {i}"
        r.execute_command("SELECT", 2)
        r.client_setname(f"n{i}")
        r.close()


# --------------------------------------------------------------------------- ACL users


def test_auth_as_acl_user(server, proxy):
    create_alice(server)
    r = proxy.client(username="alice", password="secret")
    assert r.acl_whoami() == "alice"
    assert r.set("acl:k", "v") is True
    assert proxy.client().acl_whoami() == "default"


def test_wrong_password_error_passes_through_unchanged(server, proxy):
    create_alice(server)
    replies = []
    for port in (proxy.port, server.port):
        raw = proxy.raw() if port == proxy.port else server.raw()
        raw.send(encode("AUTH", "alice", "wrong") + encode("AUTH", "alice", "secret") + encode("ACL", "WHOAMI"))
        replies.append(raw.read_until(b"$5\r\nalice\r\n"))
        raw.close()
    assert replies[0] == replies[1]
    assert replies[0].startswith(b"-WRONGPASS invalid username-password pair")
    with pytest.raises(redis.AuthenticationError) as via_proxy:
        proxy.client(username="alice", password="wrong").ping()
    with pytest.raises(redis.AuthenticationError) as direct:
        server.client(username="alice", password="wrong").ping()
    assert str(via_proxy.value) == str(direct.value)


# --------------------------------------------------------------------------- upstream credentials
# The URL's credentials and database are the proxy's own (COMMAND, the INFO poll); a client
# starts as on a new connection to Redis. test_auth_parity.py compares whole sequences.


def test_upstream_requirepass_is_not_a_login_for_clients(redis_factory, lens_factory):
    server = redis_factory(password="pw-upstream")
    proxy = lens_factory(server)
    assert "redis://:pw-upstream@" in proxy.upstream
    for client in (proxy.client(), server.client(password=None)):
        with pytest.raises(redis.AuthenticationError, match="Authentication required"):
            client.ping()
    r = proxy.client(password="pw-upstream")
    assert r.ping() is True and r.acl_whoami() == "default"


def test_reused_connection_asks_every_client_for_the_password(redis_factory, lens_factory):
    server = redis_factory(password="pw-reuse")
    proxy = lens_factory(server, *REUSE_ARGS)
    for i in range(8):
        with proxy.raw() as raw:
            assert raw.command("PING") == "NOAUTH Authentication required.", f"round {i}"
            assert raw.command("AUTH", "pw-reuse") == b"OK"
            assert raw.command("PING") == b"PONG"


def test_upstream_acl_user_is_the_proxys_own(server, lens_factory):
    create_alice(server)
    proxy = lens_factory(server.url(user="alice", password="secret"))
    assert proxy.client().acl_whoami() == "default"
    assert proxy.client(username="alice", password="secret").acl_whoami() == "alice"


def test_upstream_database_in_url_is_the_proxys_own(server, lens_factory):
    proxy = lens_factory(server.url(db=1), *REUSE_ARGS)
    for i in range(3):
        r = proxy.client()
        assert r.client_info()["db"] == 0, f"round {i}"
        r.set(f"url-db:{i}", "zero")
        r.execute_command("SELECT", 1)
        r.close()
    assert server.client(db=0).dbsize() == 3 and server.client(db=1).dbsize() == 0


def test_client_login_from_upstream_keeps_the_old_behaviour(server, lens_factory):
    create_alice(server)
    proxy = lens_factory(server.url(user="alice", password="secret", db=1), "--client-login-from-upstream",
                         *REUSE_ARGS)
    for i in range(3):
        r = proxy.client()
        assert r.acl_whoami() == "alice" and r.client_info()["db"] == 1, f"round {i}"
        r.execute_command("SELECT", 0)
        r.close()
