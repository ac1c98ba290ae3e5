"""Who is calling: the `client` label of the per-command families (CLIENT SETNAME,
HELLO ... SETNAME, CLIENT SETINFO LIB-NAME), its bound, and GET /clients."""

import json

import redis

from conftest import LOOPBACK, ErrorReply, wait_until
from metrics_support import promtool_check, scrape

SECRET = "s3cretpw"
LIBRARY = f"redis-py {redis.__version__}"


def accepts_setinfo(server):
    """Whether this redis-server knows CLIENT SETINFO (7.2 and later). Redis 7.0 refuses it
    (redis-py ignores the error), and then the proxy, like Redis, records no library."""
    raw = server.raw()
    try:
        return raw.command("CLIENT", "SETINFO", "LIB-NAME", "probe") == b"OK"
    finally:
        raw.close()


def client_labels(expo, family="redislens_commands_total"):
    """The `client` label values of `family`'s samples (None: no client label)."""
    return {labels.get("client") for labels, _ in expo.series(family)}


def clients_report(lens):
    status, body = lens.http("/clients")
    assert status == 200, body
    return json.loads(body)


def entry(report, label):
    matches = [e for e in report["clients"] if e["label"] == label]
    assert len(matches) == 1, f"{label!r} in {report}"
    return matches[0]


def local_address(client):
    host, port = client.connection._sock.getsockname()[:2]
    return f"{host}:{port}"


def test_named_clients_get_one_label_each_and_unnamed_none(server, lens_factory):
    lens = lens_factory(server)
    libraries = [LIBRARY] if accepts_setinfo(server) else []
    named = {}
    for name, sets in (("web", 5), ("worker", 3), ("cron", 1)):
        client = lens.client(client_name=name)
        for i in range(sets):
            client.set(f"{name}:{i}", "v")
        client.get(f"{name}:0")
        client.get("missing")
        named[name] = client
    pings_before = scrape(lens).by_label("redislens_commands_total", "client", command="ping").get(None, 0)
    unnamed = [lens.client() for _ in range(500)]
    for client in unnamed:
        client.ping()

    expo = scrape(lens)
    assert client_labels(expo) == {None, "web", "worker", "cron"}
    assert expo.by_label("redislens_commands_total", "client", command="set") == {"web": 5, "worker": 3, "cron": 1}
    assert expo.by_label("redislens_commands_total", "client", command="ping") == {None: pings_before + 500}
    assert expo.by_label("redislens_cache_hits_total", "client", command="get") == {"web": 1, "worker": 1, "cron": 1}
    assert expo.by_label("redislens_cache_misses_total", "client", command="get") == {
        "web": 1, "worker": 1, "cron": 1}
    assert expo.get("redislens_command_duration_seconds_count", command="set", category="write", client="web") == 5
    code, output = promtool_check(expo.text)
    assert code == 0, output
    openmetrics = scrape(lens, openmetrics=True)  # parsed strictly
    assert client_labels(openmetrics) == {None, "web", "worker", "cron"}

    report = clients_report(lens)
    assert report["label_by"] == "name" and report["max_labelled"] == 50
    assert [e["label"] for e in report["clients"]][0] == "", "500 PINGs (and SETINFOs) make the unnamed busiest"
    nobody = entry(report, "")
    assert nobody["connections"] == 500 and nobody["addresses_total"] == 500
    assert len(nobody["addresses"]) == 20
    assert nobody["libraries"] == libraries
    web = entry(report, "web")
    assert web["connections"] == 1 and web["addresses"] == [local_address(named["web"])]
    assert web["libraries"] == libraries
    # SETNAME comes first, so the two CLIENT SETINFO are web's too (errors on Redis 7.0).
    assert web["commands"] == 5 + 2 + 2 and web["hits"] == 1 and web["misses"] == 1
    assert web["errors"] == (0 if libraries else 2)
    assert [e["label"] for e in report["clients"]][1:] == ["web", "worker", "cron"]

    for client in unnamed:
        client.close()
    wait_until(lambda: entry(clients_report(lens), "")["connections"] == 0, 15, "unnamed connections closed")
    assert entry(clients_report(lens), "")["libraries"] == libraries, "libraries of closed connections stay"


def test_labels_past_the_limit_are_other(server, lens_factory):
    lens = lens_factory(server, "--max-clients-labelled", "2")
    for name in ("a", "b", "c", "d"):
        lens.client(client_name=name).set("k", name)
    again = lens.client(client_name="a")
    again.set("k", "a")
    expo = scrape(lens)
    assert expo.by_label("redislens_commands_total", "client", command="set") == {"a": 2, "b": 1, "other": 2}
    report = clients_report(lens)
    assert report["max_labelled"] == 2
    assert entry(report, "other")["connections"] == 2


def test_renaming_moves_later_commands(server, lens_factory):
    lens = lens_factory(server)
    raw = lens.raw()
    assert raw.command("CLIENT", "SETNAME", "one") == b"OK"
    raw.command("SET", "k", "1")
    raw.command("SET", "k", "2")
    assert isinstance(raw.command("CLIENT", "SETNAME", "bad name"), ErrorReply)  # refused: still "one"
    raw.command("SET", "k", "3")
    assert raw.command("CLIENT", "SETNAME", "two") == b"OK"
    for _ in range(3):
        raw.command("SET", "k", "4")
    assert raw.command("CLIENT", "SETNAME", "") == b"OK"
    raw.command("SET", "k", "5")
    hello = raw.command("HELLO", "3", "SETNAME", "three")
    assert isinstance(hello, dict)
    raw.command("SET", "k", "6")
    assert raw.command("RESET") == b"RESET"
    raw.command("SET", "k", "7")
    raw.command("SET", "k", "8")
    assert raw.command("CLIENT", "GETNAME") is None, "Redis itself cleared the name on RESET"

    expo = scrape(lens)
    assert expo.by_label("redislens_commands_total", "client", command="set") == {
        "one": 3, "two": 3, "three": 1, None: 3}
    assert expo.get("redislens_command_errors_total", command="client|setname", category="admin", client="one",
                    error="ERR") == 1


def test_client_label_lib(server, lens_factory):
    lens = lens_factory(server, "--client-label", "lib")
    lens.client(client_name="web").set("k", "v")
    raw = lens.raw()
    accepted = raw.command("CLIENT", "SETINFO", "LIB-NAME", "mylib") == b"OK"
    assert accepted == accepts_setinfo(server)
    raw.command("CLIENT", "SETINFO", "LIB-VER", "1.2")
    raw.command("SET", "k", "v")
    lens.raw().command("SET", "k", "v")
    expo = scrape(lens)
    report = clients_report(lens)
    assert report["label_by"] == "lib"
    if accepted:
        assert expo.by_label("redislens_commands_total", "client", command="set") == {
            "redis-py": 1, "mylib": 1, None: 1}
        assert entry(report, "mylib")["libraries"] == ["mylib 1.2"]
        assert entry(report, "redis-py")["libraries"] == [LIBRARY]
    else:
        # Redis refused every SETINFO: no connection has a library, as CLIENT INFO shows.
        assert expo.by_label("redislens_commands_total", "client", command="set") == {None: 3}
        assert [e["label"] for e in report["clients"]] == [""] and entry(report, "")["libraries"] == []


def test_client_label_none(server, lens_factory):
    lens = lens_factory(server, env={"REDIS_LENS_CLIENT_LABEL": "none"})
    lens.client(client_name="web").set("k", "v")
    expo = scrape(lens)
    assert client_labels(expo) == {None}
    report = clients_report(lens)
    assert report["label_by"] == "none"
    assert [e["label"] for e in report["clients"]] == [""]
    assert entry(report, "")["libraries"] == ([LIBRARY] if accepts_setinfo(server) else [])


def test_hello_password_never_shows(redis_factory, lens_factory):
    server = redis_factory(password=SECRET)
    lens = lens_factory(server)
    raw = lens.raw()
    hello = raw.command("HELLO", "3", "AUTH", "default", SECRET, "SETNAME", "app")
    assert isinstance(hello, dict), hello
    raw.command("SET", "k", "v")
    # A password spelled like the option: still skipped whole, never read as the name.
    other = lens.raw()
    assert isinstance(other.command("HELLO", "2", "AUTH", "default", "SETNAME"), ErrorReply)
    expo = scrape(lens)
    assert expo.by_label("redislens_commands_total", "client", command="set") == {"app": 1}
    for path in ("/metrics", "/clients", "/stats"):
        _, body = lens.http(path)
        assert SECRET not in body, path
    assert SECRET.encode() not in lens.logs()
    assert entry(clients_report(lens), "app")["addresses"][0].startswith(LOOPBACK + ":")
