"""Clients authenticate through the proxy exactly as with Redis: the credentials in
--upstream are the proxy's own, never a login handed to whoever connects.

Each sequence is sent to Redis directly and through the proxy, and the replies are
compared byte for byte (a `HELLO` reply's connection id, which differs by nature, is
masked)."""

import pytest

from conftest import REUSE_ARGS, encode, mask_hello_id, parse_client_info, wait_back_in_pool


def replies(port_client, commands):
    """The raw reply bytes of `commands`, sent one by one, then again as one pipeline."""
    one_by_one = []
    for command in commands:
        port_client.send(encode(*command))
        one_by_one.append(mask_hello_id(port_client.read_frames(1)))
    port_client.send(b"".join(encode(*command) for command in [("RESET",)] + commands))
    pipelined = mask_hello_id(port_client.read_frames(len(commands) + 1))
    return one_by_one, pipelined


def assert_same_as_direct(server, proxy, commands):
    with server.raw() as direct, proxy.raw() as through:
        expected = replies(direct, commands)
        got = replies(through, commands)
    for command, want, have in zip(commands, expected[0], got[0]):
        assert have == want, f"{command}: proxy {have!r}, Redis {want!r}"
    assert got[1] == expected[1]
    return expected[0]


REQUIREPASS_SEQUENCE = [
    ("PING",),
    ("SET", "auth:k", "v"),
    ("CONFIG", "GET", "requirepass"),
    ("FLUSHALL",),
    ("ACL", "WHOAMI"),
    ("AUTH", "wrong-password"),
    ("GET", "auth:k"),
    ("AUTH", "pw-right"),
    ("ACL", "WHOAMI"),
    ("CONFIG", "GET", "requirepass"),
    ("SET", "auth:k", "v"),
    ("GET", "auth:k"),
    ("HELLO", "3", "AUTH", "default", "pw-right"),
    ("ACL", "WHOAMI"),
    ("HELLO", "2", "AUTH", "default", "wrong"),
    ("RESET",),
    ("GET", "auth:k"),
]


def test_requirepass_same_replies_as_redis(redis_factory, lens_factory):
    server = redis_factory(password="pw-right")
    proxy = lens_factory(server)  # --upstream carries the password: the proxy's own
    first = assert_same_as_direct(server, proxy, REQUIREPASS_SEQUENCE)
    assert first[0] == b"-NOAUTH Authentication required.\r\n"
    assert first[3] == b"-NOAUTH Authentication required.\r\n", "FLUSHALL without a password"
    assert b"pw-right" in first[9], "CONFIG GET requirepass after AUTH"


ACL_SEQUENCE = [
    ("PING",),
    ("ACL", "WHOAMI"),
    ("AUTH", "nopass-guess"),
    ("AUTH", "default", "anything"),
    ("AUTH", "alice", "wrong"),
    ("AUTH", "bob", "bob-pw"),
    ("ACL", "WHOAMI"),
    ("SET", "alice:k", "1"),
    ("SET", "bob:k", "1"),
    ("GET", "bob:k"),
    ("CONFIG", "GET", "requirepass"),
    ("AUTH", "alice", "alice-pw"),
    ("ACL", "WHOAMI"),
    ("CONFIG", "GET", "requirepass"),
    ("HELLO", "3", "AUTH", "bob", "bob-pw", "SETNAME", "b"),
    ("ACL", "WHOAMI"),
    ("CLIENT", "GETNAME"),
]


def acl_server(redis_factory):
    server = redis_factory()
    admin = server.raw()
    for command in (
        ("ACL", "SETUSER", "alice", "on", ">alice-pw", "~*", "&*", "+@all"),
        ("ACL", "SETUSER", "bob", "on", ">bob-pw", "~bob:*", "+@all", "-config", "-flushall"),
        ("ACL", "SETUSER", "default", "off"),
    ):
        assert admin.command(*command) == b"OK"
    admin.close()
    return server


def test_acl_users_same_replies_as_redis(redis_factory, lens_factory):
    server = acl_server(redis_factory)
    proxy = lens_factory(server.url(user="alice", password="alice-pw"))
    first = assert_same_as_direct(server, proxy, ACL_SEQUENCE)
    assert first[0] == b"-NOAUTH Authentication required.\r\n"
    assert first[6] == b"$3\r\nbob\r\n"
    assert first[7].startswith(b"-NOPERM"), first[7]


def test_pooled_connection_never_keeps_the_last_users_login(redis_factory, lens_factory):
    server = acl_server(redis_factory)
    proxy = lens_factory(server.url(user="alice", password="alice-pw"), *REUSE_ARGS)
    admin = server.client(username="alice", password="alice-pw")  # the default user is off
    seen, reused = set(), 0
    for i in range(12):
        with proxy.raw() as raw:
            assert raw.command("ACL", "WHOAMI") == "NOAUTH Authentication required.", f"round {i}"
            assert raw.command("GET", "k") == "NOAUTH Authentication required.", f"round {i}"
            user = ("alice", "alice-pw") if i % 2 == 0 else ("bob", "bob-pw")
            assert raw.command("AUTH", *user) == b"OK"
            info = parse_client_info(raw.command("CLIENT", "INFO"))
            assert info["user"] == user[0]
            if i % 3 == 0:
                raw.send(encode("SELECT", "4") + encode("CLIENT", "SETNAME", f"n{i}"))
                assert raw.read_frames(2) == b"+OK\r\n+OK\r\n"
            conn_id = info["id"]
            reused += conn_id in seen
            seen.add(conn_id)
        wait_back_in_pool(admin, conn_id)
    assert reused >= 4, f"only {reused} of 12 clients reused an upstream connection"


def test_client_login_from_upstream_is_explicit_and_warned(redis_factory, lens_factory):
    server = redis_factory(password="pw-old")
    proxy = lens_factory(server, "--client-login-from-upstream")
    with proxy.raw() as raw:
        assert raw.command("PING") == b"PONG"
        assert raw.command("ACL", "WHOAMI") == b"default"
    env_proxy = lens_factory(server, env={"REDIS_LENS_CLIENT_LOGIN_FROM_UPSTREAM": "1"})
    with env_proxy.raw() as raw:
        assert raw.command("PING") == b"PONG"
    for lens in (proxy, env_proxy):
        assert b"--client-login-from-upstream" in lens.logs()
        assert b"pw-old" not in lens.logs()


@pytest.mark.parametrize("flag", [(), ("--no-telemetry",)])
def test_no_password_in_replies_logs_or_metrics(redis_factory, lens_factory, flag):
    server = redis_factory(password="Sup3rSecret")
    proxy = lens_factory(server, *flag)
    with proxy.raw() as raw:
        assert raw.command("GET", "x") == "NOAUTH Authentication required."
        assert raw.command("AUTH", "nope").startswith("WRONGPASS")
    texts = [proxy.http(path)[1] for path in ("/metrics", "/stats", "/readyz")]
    proxy.stop()
    assert not any("Sup3rSecret" in text for text in texts)
    assert b"Sup3rSecret" not in proxy.logs()
