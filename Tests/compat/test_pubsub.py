"""Pub/sub in RESP2 and RESP3 through the proxy."""

import pytest

from conftest import Push, encode

PROTOCOLS = [pytest.param(2, id="resp2"), pytest.param(3, id="resp3")]


def next_message(pubsub, timeout=10.0, sharded=False):
    getter = pubsub.get_sharded_message if sharded else pubsub.get_message
    message = getter(timeout=timeout)
    assert message is not None, f"no message within {timeout}s"
    return message


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_subscribe_and_receive(proxy, protocol):
    p = proxy.client(protocol=protocol, single_connection_client=False).pubsub()
    p.subscribe("ps:chan")
    assert next_message(p) == {"type": "subscribe", "pattern": None, "channel": b"ps:chan", "data": 1}
    publisher = proxy.client()
    assert publisher.publish("ps:chan", b"hello\r\n\x00") == 1
    assert next_message(p) == {"type": "message", "pattern": None, "channel": b"ps:chan", "data": b"hello\r\n\x00"}
    p.close()


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_psubscribe_and_receive(proxy, protocol):
    p = proxy.client(protocol=protocol, single_connection_client=False).pubsub()
    p.psubscribe("ps:news.*")
    assert next_message(p)["type"] == "psubscribe"
    assert proxy.client().publish("ps:news.sport", "goal") == 1
    assert proxy.client().publish("ps:other", "ignored") == 0
    assert next_message(p) == {"type": "pmessage", "pattern": b"ps:news.*", "channel": b"ps:news.sport",
                               "data": b"goal"}
    p.close()


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_ssubscribe_and_receive(proxy, protocol):
    p = proxy.client(protocol=protocol, single_connection_client=False).pubsub()
    p.ssubscribe("ps:shard")
    assert next_message(p, sharded=True)["type"] == "ssubscribe"
    assert proxy.client().execute_command("SPUBLISH", "ps:shard", "sharded-msg") == 1
    assert next_message(p, sharded=True) == {"type": "smessage", "pattern": None, "channel": b"ps:shard",
                                             "data": b"sharded-msg"}
    p.close()


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_1000_messages_in_order(proxy, protocol):
    p = proxy.client(protocol=protocol, single_connection_client=False).pubsub()
    p.subscribe("ps:bulk")
    assert next_message(p)["type"] == "subscribe"
    publisher = proxy.client()
    pipe = publisher.pipeline(transaction=False)
    for i in range(1000):
        pipe.publish("ps:bulk", f"m{i}")
    assert pipe.execute() == [1] * 1000
    received = [next_message(p)["data"] for _ in range(1000)]
    assert received == [f"m{i}".encode() for i in range(1000)]
    p.close()


def test_ping_in_subscribed_mode_redis_py(proxy):
    p = proxy.client(single_connection_client=False).pubsub()
    p.subscribe("ps:p")
    assert next_message(p)["type"] == "subscribe"
    p.ping("are-you-there")
    assert next_message(p) == {"type": "pong", "pattern": None, "channel": None, "data": b"are-you-there"}
    assert proxy.client().publish("ps:p", "after-ping") == 1
    assert next_message(p)["data"] == b"after-ping"
    p.close()


def test_resp3_subscribe_unsubscribe_then_normal_commands(proxy):
    raw = proxy.raw()
    assert raw.command("HELLO", "3")[b"proto"] == 3
    raw.send(encode("SUBSCRIBE", "ps:r3a", "ps:r3b") + encode("PSUBSCRIBE", "ps:r3*"))
    assert raw.read_reply() == Push([b"subscribe", b"ps:r3a", 1])
    assert raw.read_reply() == Push([b"subscribe", b"ps:r3b", 2])
    assert raw.read_reply() == Push([b"psubscribe", b"ps:r3*", 3])
    # RESP3 allows ordinary commands while subscribed.
    assert raw.command("PING") == b"PONG"
    assert proxy.client().publish("ps:r3a", "one") == 2
    assert raw.read_reply() == Push([b"message", b"ps:r3a", b"one"])
    assert raw.read_reply() == Push([b"pmessage", b"ps:r3*", b"ps:r3a", b"one"])
    raw.send(encode("UNSUBSCRIBE") + encode("PUNSUBSCRIBE"))
    replies = [raw.read_reply() for _ in range(3)]
    assert all(isinstance(reply, Push) for reply in replies)
    assert sorted(reply[1] for reply in replies) == [b"ps:r3*", b"ps:r3a", b"ps:r3b"]
    assert [reply[2] for reply in replies] == [2, 1, 0]
    raw.send(encode("SET", "ps:after", "ok") + encode("GET", "ps:after") + encode("HSET", "ps:h", "f", "v")
             + encode("HGETALL", "ps:h"))
    assert raw.read_exact(len(b"+OK\r\n$2\r\nok\r\n:1\r\n%1\r\n$1\r\nf\r\n$1\r\nv\r\n")) == \
        b"+OK\r\n$2\r\nok\r\n:1\r\n%1\r\n$1\r\nf\r\n$1\r\nv\r\n"
    assert proxy.client().publish("ps:r3a", "nobody") == 0


def test_resp2_unsubscribe_all_then_normal_commands(proxy):
    raw = proxy.raw()
    raw.send(encode("SUBSCRIBE", "ps:u1", "ps:u2"))
    assert raw.read_reply() == [b"subscribe", b"ps:u1", 1]
    assert raw.read_reply() == [b"subscribe", b"ps:u2", 2]
    # Redis refuses ordinary commands in RESP2 subscribed mode; the proxy passes that on.
    error = raw.command("GET", "x")
    assert error.startswith("ERR") and "only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET" in error
    raw.send(encode("UNSUBSCRIBE"))
    replies = [raw.read_reply() for _ in range(2)]
    assert sorted(reply[1] for reply in replies) == [b"ps:u1", b"ps:u2"]
    assert [reply[0] for reply in replies] == [b"unsubscribe"] * 2 and [reply[2] for reply in replies] == [1, 0]
    assert raw.command("SET", "ps:u", "back") == b"OK"
    assert raw.command("GET", "ps:u") == b"back"


def test_redis_py_resp3_pubsub_then_commands_on_same_client(proxy):
    r = proxy.client(protocol=3, single_connection_client=False)
    p = r.pubsub()
    p.subscribe("ps:x")
    assert next_message(p)["type"] == "subscribe"
    r.publish("ps:x", "payload")
    assert next_message(p)["data"] == b"payload"
    p.unsubscribe()
    assert next_message(p)["type"] == "unsubscribe"
    # The pubsub connection goes back to the pool and serves ordinary commands.
    p.close()
    assert r.set("ps:y", "1") is True and r.get("ps:y") == b"1"
