"""Deploy/ is checked, since no Docker engine runs here: every metric name the dashboard,
the alerts and the README use exists in a real /metrics scrape; promtool accepts the
Prometheus config, the rules and their unit tests; the compose files, the dashboard and
the Kubernetes manifests parse and agree with each other and with the binary's flags; the
Promtail pipeline matches real log lines; the Dockerfile builds as CI does and its
HEALTHCHECK command works against the real binary."""

import json
import os
import re
import socket
import ssl
import stat
import subprocess

from conftest import LensProcess, free_port, http_get, lens_env, wait_until
from deploy_support import (
    DEPLOY,
    alert_promql,
    dashboard_promql,
    family,
    load_dashboard,
    load_yaml,
    load_yaml_documents,
    metric_names,
    path,
    read,
    readme_promql,
    walk,
)
from metrics_support import promtool, scrape
from test_metrics_endpoints import BUSY_SCRIPT

REQUIRED_PANELS = {
    "Ops/s by category", "Ops/s by command", "Latency p50 by command", "Latency p95 by command",
    "Latency p99 by command", "Hit ratio (overall)", "Hit ratio by command", "Hit ratio by key prefix",
    "Errors/s by error prefix", "Slow commands/s by command", "Client connections", "Upstream pool",
    "TLS handshakes/s by result", "TLS handshake p99", "Days to certificate expiry",
    "Redis memory", "Memory fragmentation", "Traces (Tempo)", "Redis Cache Activity Logs",
}
GENERATE_CERTS = os.path.join(DEPLOY, "tls", "generate-certs.sh")
# Only exposed with a redis+sentinel:// upstream; test_sentinel.py scrapes them there.
SENTINEL_ONLY = {"redislens_upstream_failovers_total", "redislens_upstream_info", "redislens_sentinel_up"}


def help_text(lens_bin):
    return subprocess.run([lens_bin, "--help"], capture_output=True, timeout=30, env=lens_env()).stdout.decode()


def generate_certificates(folder):
    """Deploy/tls/generate-certs.sh into `folder`: ca.crt, redis.crt/key, proxy.crt/key."""
    result = subprocess.run([GENERATE_CERTS, str(folder)], capture_output=True, timeout=60)
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    return folder


def tls_ping(port, ca_file):
    """PING over TLS to 127.0.0.1:port, verifying the certificate for the name localhost."""
    context = ssl.create_default_context(cafile=str(ca_file))
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
        with context.wrap_socket(raw, server_hostname="localhost") as tls:
            tls.sendall(b"PING\r\n")
            reply = b""
            while not reply.endswith(b"\r\n"):
                chunk = tls.recv(64)
                if not chunk:
                    break
                reply += chunk
    return reply == b"+PONG\r\n"


# --------------------------------------------------------------------------- metric names


def used_metric_names():
    """{name: [where]} over the dashboard, the alert rules and the README's PromQL."""
    used = {}
    sources = [("dashboard", dashboard_promql(load_dashboard())), ("alerts.yml", alert_promql()),
               ("README.md", readme_promql())]
    for where, exprs in sources:
        assert exprs, f"no PromQL found in {where}"
        for expr in exprs:
            for name in metric_names(expr):
                used.setdefault(name, []).append(where)
    return used


def real_traffic(lens):
    """Hits, misses, an error, a slow command, key prefixes, several clients."""
    client = lens.raw()
    client.command("SET", "user:1", "a")
    assert client.command("GET", "user:1") == b"a"
    assert client.command("GET", "user:2") is None
    client.command("MGET", "user:1", "session:x")
    client.command("LPUSH", "queue:jobs", "j")
    assert client.command("GET", "queue:jobs").startswith("WRONGTYPE")
    assert client.command("EVAL", BUSY_SCRIPT, "0", "20") == 1
    lens.raw().command("PING")


def test_every_metric_name_used_exists_in_a_real_scrape(server, lens_factory, tmp_path):
    # Span export on (to a file), so its metrics are in the scrape too; a TLS listener (and
    # one handshake through it), so the TLS metrics are too.
    args = ["--key-prefix-depth", "1", "--slow-threshold", "5ms",
            "--otlp-file", str(tmp_path / "spans.jsonl"), "--info-interval", "0.5"]
    certificates = generate_certificates(tmp_path / "tls")
    tls_port = free_port()
    args += ["--tls-listen", f"127.0.0.1:{tls_port}", "--tls-cert-file", str(certificates / "proxy.crt"),
             "--tls-key-file", str(certificates / "proxy.key"), "--tls-auth-clients", "no"]
    lens = lens_factory(server, *args)
    real_traffic(lens)
    wait_until(lambda: tls_ping(tls_port, certificates / "ca.crt"), 10, "PING through --tls-listen")
    used = used_metric_names()

    def missing_from(expo):
        histograms = {name for name, kind in expo.types.items() if kind == "histogram"}
        scraped = {family(name, histograms) for name, _, _ in expo.samples}
        missing = {name: where for name, where in used.items()
                   if family(name, histograms) not in scraped and name not in SENTINEL_ONLY}
        return missing, scraped, histograms

    # Server metrics appear after the first INFO poll: poll the scrape until nothing is missing.
    try:
        expo = wait_until(lambda: (e := scrape(lens)).sum("redislens_slow_commands_total") >= 1
                          and not missing_from(e)[0] and e, 15, "every used metric in /metrics")
    except AssertionError:
        expo = scrape(lens)
    missing, scraped, histograms = missing_from(expo)
    assert not missing, f"used but not in a real scrape: {missing}"
    assert "redislens_command_duration_seconds" in {family(n, histograms) for n in used}


def test_metric_name_extraction_ignores_label_values_and_maps_histograms():
    names = metric_names('sum by (le) (rate(redislens_command_duration_seconds_bucket{command="redis_x"}[5m]))'
                         ' / redis_memory_max_bytes')
    assert names == {"redislens_command_duration_seconds_bucket", "redis_memory_max_bytes"}
    histograms = {"redislens_command_duration_seconds"}
    assert family("redislens_command_duration_seconds_bucket", histograms) == "redislens_command_duration_seconds"
    assert family("redislens_commands_total", histograms) == "redislens_commands_total"


# --------------------------------------------------------------------------- promtool


def run_promtool(*args):
    result = subprocess.run([promtool(), *args], cwd=path("prometheus"), capture_output=True, timeout=120)
    output = (result.stdout + result.stderr).decode(errors="replace")
    assert result.returncode == 0, f"promtool {' '.join(args)} failed:\n{output}"
    return output


def test_promtool_check_config():
    assert "SUCCESS" in run_promtool("check", "config", "prometheus.yml")


def test_promtool_check_rules():
    output = run_promtool("check", "rules", "alerts.yml")
    assert "SUCCESS: 13 rules found" in output, output


def test_promtool_test_rules():
    assert "SUCCESS" in run_promtool("test", "rules", "alerts.test.yml")


def test_every_alert_has_a_unit_test():
    rules = load_yaml("prometheus", "alerts.yml")
    alerts = {rule["alert"] for group in rules["groups"] for rule in group["rules"]}
    tests = load_yaml("prometheus", "alerts.test.yml")
    tested = {case["alertname"] for test in tests["tests"] for case in test["alert_rule_test"]
              if case.get("exp_alerts")}
    assert alerts == tested, f"alerts without a firing test: {alerts - tested}"


# --------------------------------------------------------------------------- compose


def environment(service):
    env = service.get("environment", {})
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return env


def test_compose_stack_is_wired():
    compose = load_yaml("docker-compose.yml")
    services = compose["services"]
    assert {"redis", "redis-lens", "prometheus", "grafana", "loki", "promtail", "tempo"} <= set(services)
    lens = services["redis-lens"]
    env = environment(lens)
    assert env["REDIS_LENS_UPSTREAM"] == "redis://redis:6379"
    assert env["REDIS_LENS_LISTEN"] == "0.0.0.0:6379"
    admin_port = env["REDIS_LENS_ADMIN_LISTEN"].rsplit(":", 1)[1]
    assert lens["build"]["dockerfile"] == "Deploy/Dockerfile"
    assert os.path.isfile(os.path.join(DEPLOY, lens["build"]["context"], lens["build"]["dockerfile"]))
    # Tempo receives OTLP/HTTP on 4318, where redis-lens exports.
    assert env["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://tempo:4318"
    tempo = load_yaml("tempo", "tempo.yml")
    assert tempo["distributor"]["receivers"]["otlp"]["protocols"]["http"]["endpoint"].endswith(":4318")
    # Prometheus scrapes the admin port.
    prometheus = load_yaml("prometheus", "prometheus.yml")
    targets = [t for job in prometheus["scrape_configs"] for c in job["static_configs"] for t in c["targets"]]
    assert f"redis-lens:{admin_port}" in targets
    # Every file mounted from Deploy/ exists.
    for name, service in services.items():
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            if source.startswith("./"):
                assert os.path.exists(os.path.join(DEPLOY, source)), f"{name}: {source} does not exist"


def test_dropin_only_adds_redis_lens_and_repoints_the_app():
    compose = load_yaml("docker-compose.dropin.yml")
    services = compose["services"]
    assert set(services) == {"app", "redis-lens"}
    assert set(services["app"]) <= {"environment", "depends_on"}, "the app itself must not change"
    assert environment(services["app"])["REDIS_URL"].startswith("redis://redis-lens:6379")
    assert environment(services["redis-lens"])["REDIS_LENS_UPSTREAM"] == "redis://redis:6379"


def test_sentinel_compose_is_wired():
    compose = load_yaml("docker-compose.sentinel.yml")
    services = compose["services"]
    sentinels = {"sentinel-1", "sentinel-2", "sentinel-3"}
    assert {"redis-primary", "redis-replica", "redis-lens"} | sentinels <= set(services)
    assert "--replicaof" in services["redis-replica"]["command"]
    url = environment(services["redis-lens"])["REDIS_LENS_UPSTREAM"]
    assert url.startswith("redis+sentinel://")
    hosts, name = url[len("redis+sentinel://"):].split("/", 1)
    assert {host.split(":")[0] for host in hosts.split(",")} == sentinels
    for sentinel in sentinels:
        service = services[sentinel]
        script = service["command"][-1]
        assert f"sentinel monitor {name} redis-primary 6379 2" in script
        assert environment(service)["SENTINEL_HOST"] == sentinel
        assert any(port.endswith(":26379") for port in hosts.split(","))


def test_environment_variables_name_real_flags(lens_bin):
    flags = set(re.findall(r"--([a-z0-9-]+)", help_text(lens_bin)))

    def flag(variable):
        return variable[len("REDIS_LENS_"):].lower().replace("_", "-")

    texts = [read("Deploy", name) for name in ("docker-compose.yml", "docker-compose.dropin.yml",
                                                "docker-compose.tls.yml", "docker-compose.sentinel.yml",
                                                "docker-compose.cluster.yml",
                                                "Dockerfile")]
    texts += [read("Deploy", "kubernetes", name) for name in os.listdir(path("kubernetes"))]
    variables = set(re.findall(r"\bREDIS_LENS_[A-Z0-9_]+", "\n".join(texts)))
    assert len(variables) >= 8
    unknown = {v for v in variables if flag(v) not in flags}
    assert not unknown, f"no such flag: {unknown}"


def test_cluster_compose_publishes_every_node_port_it_announces(lens_bin):
    compose = load_yaml("docker-compose.cluster.yml")
    services = compose["services"]
    nodes = {name for name in services if name.startswith("redis-") and name != "redis-lens"}
    assert len(nodes) == 6
    env = environment(services["redis-lens"])
    seeds = env["REDIS_LENS_UPSTREAM"].split("://", 1)[1].split(",")
    assert env["REDIS_LENS_UPSTREAM"].startswith("redis+cluster://")
    assert {seed.split(":")[0] for seed in seeds} <= nodes
    base, count = int(env["REDIS_LENS_CLUSTER_LISTEN_BASE"]), int(env["REDIS_LENS_CLUSTER_MAX_NODES"])
    assert count >= len(nodes) and env["REDIS_LENS_ANNOUNCE_HOST"]
    # Published 1:1: the ports inside the container are the ones announced to clients.
    published = set()
    for mapping in services["redis-lens"]["ports"]:
        outside, inside = str(mapping).split(":")
        assert outside == inside, mapping
        first, _, last = inside.partition("-")
        published |= set(range(int(first), int(last or first) + 1))
    assert set(range(base, base + count)) | {int(env["REDIS_LENS_LISTEN"].rsplit(":", 1)[1])} <= published
    # The binary accepts this configuration (on free loopback ports; the seeds do not resolve
    # here, so it keeps trying to read the topology): its admin endpoint comes up.
    admin, entry = free_port(), free_port()
    env.update(REDIS_LENS_LISTEN=f"127.0.0.1:{entry}", REDIS_LENS_ADMIN_LISTEN=f"127.0.0.1:{admin}",
               REDIS_LENS_CLUSTER_LISTEN_BASE=str(free_port()), REDIS_LENS_CONNECT_TIMEOUT="0.5")
    proc = subprocess.Popen([lens_bin], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, env=lens_env(env))
    try:
        wait_until(lambda: proc.poll() is None and http_get(admin, "/healthz")[0] == 200, 30,
                   "redis-lens to accept the cluster compose file's configuration")
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err.decode(errors="replace")


def test_tls_compose_is_wired_to_the_certificates_the_script_makes(tmp_path):
    compose = load_yaml("docker-compose.tls.yml")
    services = compose["services"]
    assert {"redis", "redis-lens"} <= set(services)
    redis_command = services["redis"]["command"]
    option = {redis_command[i]: redis_command[i + 1] for i in range(1, len(redis_command) - 1)
              if redis_command[i].startswith("--")}
    assert option["--port"] == "0", "Redis must serve TLS only"
    lens = services["redis-lens"]
    env = environment(lens)
    assert env["REDIS_LENS_UPSTREAM"] == f"rediss://redis:{option['--tls-port']}"
    assert env["REDIS_LENS_LISTEN"] == "none"
    tls_port = env["REDIS_LENS_TLS_LISTEN"].rsplit(":", 1)[1]
    assert f"{tls_port}:{tls_port}" in lens["ports"]
    assert lens["build"]["dockerfile"] == "Deploy/Dockerfile"
    # Certificates: ./tls mounted read-only, every /tls/ file one that generate-certs.sh makes.
    for name in ("redis", "redis-lens"):
        assert "./tls:/tls:ro" in services[name]["volumes"], name
    assert os.path.isdir(path("tls"))
    made = generate_certificates(tmp_path / "tls")

    def strings(node):
        if isinstance(node, dict):
            node = list(node.values())
        if isinstance(node, list):
            return [text for value in node for text in strings(value)]
        return [node] if isinstance(node, str) else []

    referenced = {m.group(1) for text in strings(services) if (m := re.fullmatch(r"/tls/([\w.-]+)", text))}
    assert referenced >= {"ca.crt", "redis.crt", "redis.key", "proxy.crt", "proxy.key"}
    for name in referenced:
        assert (made / name).is_file(), f"docker-compose.tls.yml mounts /tls/{name}; generate-certs.sh makes no such file"
        # Readable by the containers' users (redis 999, redis-lens 10001) through the bind mount.
        assert (made / name).stat().st_mode & stat.S_IROTH, name
    assert sorted(os.listdir(made)) == sorted(["ca.crt", "redis.crt", "redis.key", "proxy.crt", "proxy.key"]), \
        "the CA's key and serial stay out of the mounted folder"
    for name, host in (("redis", "redis"), ("proxy", "redis-lens")):
        text = subprocess.run(["openssl", "x509", "-in", str(made / f"{name}.crt"), "-noout", "-ext",
                               "subjectAltName"], capture_output=True, timeout=30).stdout.decode()
        assert f"DNS:{host}" in text and "DNS:localhost" in text, text
    # Nothing generated is committed.
    ignored = read("Deploy", "tls", ".gitignore").split()
    assert {"*.crt", "*.key", "*.srl"} <= set(ignored)


def test_tls_compose_redis_command_serves_tls_with_the_generated_certificates(tmp_path):
    """The compose file's redis-server command, with /tls/ pointing at freshly made certificates."""
    made = generate_certificates(tmp_path / "tls")
    command = load_yaml("docker-compose.tls.yml")["services"]["redis"]["command"]
    port = free_port()
    argv = [part.replace("/tls/", f"{made}/") for part in command]
    argv[argv.index("--tls-port") + 1] = str(port)
    argv += ["--bind", "127.0.0.1", "--dir", str(tmp_path), "--logfile", str(tmp_path / "redis.log")]
    redis = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until(lambda: tls_ping(port, made / "ca.crt"), 10, "PING over TLS to the compose file's redis-server")
    finally:
        redis.terminate()
        redis.wait(timeout=10)


# --------------------------------------------------------------------------- Grafana


def test_dashboard_panels_variables_and_datasources():
    dashboard = load_dashboard()
    provisioned = load_yaml("grafana", "provisioning", "datasources", "datasources.yml")["datasources"]
    uids = {source["uid"]: source["type"] for source in provisioned}
    assert set(uids) == {"prometheus", "loki", "tempo"}
    used = {}
    for node in walk(dashboard):
        source = node.get("datasource")
        if isinstance(source, dict):
            used[source["uid"]] = source.get("type")
    assert used and set(used) <= set(uids), f"not provisioned: {set(used) - set(uids)}"
    assert all(uids[uid] == kind for uid, kind in used.items()), used
    titles = {panel["title"]: panel for panel in dashboard["panels"]}
    assert REQUIRED_PANELS <= set(titles), f"missing panels: {REQUIRED_PANELS - set(titles)}"
    assert titles["Redis Cache Activity Logs"]["datasource"]["uid"] == "loki"
    assert titles["Traces (Tempo)"]["datasource"]["uid"] == "tempo"
    variables = {v["name"] for v in dashboard["templating"]["list"]}
    assert {"instance", "command"} <= variables
    for panel in dashboard["panels"]:
        for target in panel.get("targets", []):
            if target["datasource"]["uid"] == "prometheus":
                assert '$instance' in target["expr"], f"{panel['title']}: not filtered by $instance"
    provider = load_yaml("grafana", "provisioning", "dashboards", "dashboards.yml")["providers"][0]
    compose = load_yaml("docker-compose.yml")
    mounts = dict(v.rsplit(":", 1)[0].split(":", 1) for v in compose["services"]["grafana"]["volumes"])
    assert mounts["./grafana/dashboards"] == provider["options"]["path"]


# --------------------------------------------------------------------------- Kubernetes


def test_kubernetes_manifests():
    for name in ("sidecar.yaml", "deployment.yaml", "servicemonitor.yaml"):
        documents = load_yaml_documents("kubernetes", name)
        assert documents and all("apiVersion" in d and "kind" in d for d in documents), name
    for name in ("sidecar.yaml", "deployment.yaml"):
        deployment = next(d for d in load_yaml_documents("kubernetes", name) if d["kind"] == "Deployment")
        template = deployment["spec"]["template"]
        annotations = template["metadata"]["annotations"]
        assert annotations["prometheus.io/scrape"] == "true"
        lens = next(c for c in template["spec"]["containers"] if c["name"] == "redis-lens")
        env = {e["name"]: e.get("value") for e in lens["env"]}
        assert env["REDIS_LENS_ADMIN_LISTEN"].endswith(":" + annotations["prometheus.io/port"])
        assert {p["containerPort"] for p in lens["ports"]} >= {int(annotations["prometheus.io/port"])}
        assert lens["readinessProbe"]["httpGet"]["path"] == "/readyz"
        assert lens["livenessProbe"]["httpGet"]["path"] == "/healthz"
    sidecar = load_yaml_documents("kubernetes", "sidecar.yaml")[0]["spec"]["template"]["spec"]["containers"]
    app_env = {e["name"]: e["value"] for e in sidecar[0]["env"]}
    lens_env_vars = {e["name"]: e["value"] for e in sidecar[1]["env"]}
    assert app_env["REDIS_URL"].startswith(f"redis://{lens_env_vars['REDIS_LENS_LISTEN']}")


# --------------------------------------------------------------------------- Promtail


def promtail_stages():
    config = load_yaml("promtail", "promtail.yml")
    job = config["scrape_configs"][0]
    match = job["pipeline_stages"][0]["match"]
    assert match["selector"] == '{service="redis-lens"}'
    relabeled = {r["target_label"] for r in job["relabel_configs"] if "target_label" in r}
    return relabeled, {next(iter(stage)): next(iter(stage.values())) for stage in match["stages"]}


def test_promtail_pipeline_matches_real_log_lines(server, lens_factory):
    relabeled, stages = promtail_stages()
    # Only low-cardinality labels: service (compose service), level, logger.
    assert relabeled | set(stages["labels"]) == {"service", "level", "logger"}
    regex = re.compile(stages["regex"]["expression"])  # RE2 named groups (?P<...>) read the same in Python
    source = stages["json"]["source"]
    lens = lens_factory(server, "--log-format", "json", "--activity-log", "1",
                        "--activity-log-prefix", "redis_cache_event", "--slow-threshold", "5ms")
    client = lens.raw()
    client.command("SET", "user:1", "v")
    client.command("GET", "user:1")
    client.command("EVAL", BUSY_SCRIPT, "0", "10")

    def lines():
        text = lens.stdout().decode()
        done = [l for l in text.splitlines() if l]
        kinds = {"activity": any(l.startswith("redis_cache_event {") for l in done),
                 "slow": any('"event":"slow command"' in l for l in done)}
        return all(kinds.values()) and done

    seen_loggers = set()
    for line in wait_until(lines, 15, "activity and slow-command lines on stdout"):
        match = regex.match(line)
        assert match, f"the Promtail regex does not match {line!r}"
        payload = json.loads(match.group(source))
        for label in stages["labels"]:
            assert isinstance(payload[stages["json"]["expressions"][label]], str), (label, line)
        assert payload["level"] in {"trace", "debug", "info", "notice", "warning", "error", "critical"}
        assert payload["logger"].startswith("redis-lens")
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z",
                            payload[stages["json"]["expressions"][stages["timestamp"]["source"]]])
        assert stages["output"]["source"] == source
        seen_loggers.add(payload["logger"])
    assert {"redis-lens.activity", "redis-lens.telemetry"} <= seen_loggers


# --------------------------------------------------------------------------- Dockerfile


def dockerfile():
    return read("Deploy", "Dockerfile")


def test_dockerfile_copies_every_target_the_manifest_names():
    """SwiftPM checks every target's folder when it loads Package.swift, even for one product."""
    build_stage = dockerfile().split("FROM debian")[0]
    copied = [source.rstrip("/") for source in re.findall(r"^COPY (\S+) ", build_stage, flags=re.M)]
    manifest = read("Package.swift")
    folders = set(re.findall(r'path: "([^"]+)"', manifest)) | {"Sources", "Tests"}
    uncovered = {f for f in folders if not any(f == c or f.startswith(c + "/") for c in copied)}
    assert not uncovered, f"Package.swift names folders the image build does not copy: {uncovered}"


def test_dockerfile_builds_like_ci():
    text = dockerfile()
    assert "RUN scripts/build-release.sh" in text
    script = read("scripts", "build-release.sh")
    assert re.search(
        r'^swift build -c release --static-swift-stdlib -Xswiftc -enforce-exclusivity=unchecked --product "\$product"',
        script, flags=re.M), "one release build command, for the chosen product"
    assert "product=redis-lens" in script, "the script's default product is the proxy"
    assert re.search(r"^scripts/build-release\.sh( redis-lens)?( |$)", read("scripts", "release-test.sh"),
                     flags=re.M), "CI (scripts/release-test.sh) must run the same build script"
    assert re.search(r"^\./scripts/release-test\.sh$", read(".ci", "run"), flags=re.M), "CI runs the release check"
    stages = re.findall(r"^FROM (\S+)", text, flags=re.M)
    assert len(stages) == 2 and stages[0].startswith("${SWIFT_IMAGE}") and "slim" in stages[1]
    assert re.search(r"ARG SWIFT_IMAGE=swift:\S+", text)
    runtime = text.split("FROM debian")[1]
    packages = re.findall(r"install -y --no-install-recommends ([^\n\\&]+)", runtime)
    assert [p.split() for p in packages] == [["libhiredis0.14", "libssl3"]]
    user = re.search(r"^USER (\S+)", runtime, flags=re.M).group(1)
    assert user.split(":")[0] not in ("0", "root")
    assert set(re.search(r"^EXPOSE (.+)$", text, flags=re.M).group(1).split()) == {"6379", "9122"}
    assert "REDIS_LENS_LISTEN=0.0.0.0:6379" in text and "REDIS_LENS_ADMIN_LISTEN=0.0.0.0:9122" in text


def healthcheck_command(admin_port):
    text = dockerfile().replace("\\\n", " ")
    line = re.search(r"^HEALTHCHECK .*?CMD (\[.*\])\s*$", text, flags=re.M).group(1)
    command = json.loads(line)
    assert "/healthz" in command[-1] and "9122" in command[-1]
    return [part.replace("9122", str(admin_port)) for part in command]


def test_dockerfile_healthcheck_works_against_the_real_binary(server, lens_factory):
    lens = lens_factory(server)
    result = subprocess.run(healthcheck_command(lens.admin_port), capture_output=True, timeout=10)
    assert result.returncode == 0, result.stderr
    closed = free_port()
    result = subprocess.run(healthcheck_command(closed), capture_output=True, timeout=10)
    assert result.returncode != 0


def test_release_binary_is_static_swift_and_serves(server, tmp_path):
    binary = os.environ.get("REDIS_LENS_RELEASE_BIN")
    assert binary, "set REDIS_LENS_RELEASE_BIN to the scripts/build-release.sh binary (scripts/release-test.sh does)"
    linked = subprocess.run(["ldd", binary], capture_output=True, timeout=30).stdout.decode()
    libraries = {line.split()[0].split(".so")[0] for line in linked.splitlines()
                 if line.strip() and "ld-linux" not in line}
    # What debian:bookworm-slim has, plus the packages the Dockerfile adds (libhiredis, libssl3).
    slim = {"linux-vdso", "libc", "libm", "libpthread", "libdl", "librt", "libgcc_s",
            "libstdc++", "libz", "libhiredis", "libssl", "libcrypto"}
    assert libraries <= slim, f"not in the runtime image: {libraries - slim}"
    lens = LensProcess(binary, tmp_path, server.url())
    try:
        lens.start()
        assert lens.raw().command("SET", "k", "v") == b"OK"
        assert scrape(lens).get("redislens_commands_total", command="set", category="write") == 1
    finally:
        assert lens.stop() == 0
