"""Helpers for the telemetry tests: a strict Prometheus text / OpenMetrics parser (`scrape`,
also how every other test reads a metric), Redis INFO readers, and a byte-counting RESP client.
"""

import math
import re
import shutil
import subprocess

from conftest import RawClient, http_get

OPENMETRICS_ACCEPT = "application/openmetrics-text; version=1.0.0,text/plain;version=0.0.4;q=0.5"

_NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
_LABEL_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")


# --------------------------------------------------------------------------- exposition parsing


class ExpositionError(AssertionError):
    pass


class Exposition:
    """A parsed /metrics body.

    `samples` is a list of (name, labels dict, value); `types` and `helps` map family names to
    their TYPE and HELP. Parsing is strict: a malformed line raises ExpositionError naming it.
    """

    def __init__(self, text, openmetrics=False, allow_redeclared=()):
        self.text = text
        self.openmetrics = openmetrics
        self.allow_redeclared = set(allow_redeclared)  # families whose second HELP/TYPE is tolerated
        self.samples = []
        self.types = {}
        self.helps = {}
        self.family_order = []
        self._index = {}
        self._parse()

    # -- parsing

    def _parse(self):
        lines = self.text.split("\n")
        if not self.text.endswith("\n"):
            raise ExpositionError("exposition does not end with a newline")
        lines = lines[:-1]
        if self.openmetrics:
            if not lines or lines[-1] != "# EOF":
                raise ExpositionError(f"OpenMetrics body does not end with '# EOF': last line {lines[-1:]!r}")
            lines = lines[:-1]
        seen_samples = set()
        for number, line in enumerate(lines, 1):
            where = f"line {number}: {line!r}"
            if line == "":
                if self.openmetrics:
                    raise ExpositionError(f"empty line in OpenMetrics body ({where})")
                continue
            if line.startswith("#"):
                self._comment(line, where)
                continue
            name, labels, value = self._sample(line, where)
            key = (name, tuple(sorted(labels.items())))
            if key in seen_samples:
                raise ExpositionError(f"duplicate sample ({where})")
            seen_samples.add(key)
            self.samples.append((name, labels, value))
            self._index[key] = value

    def _comment(self, line, where):
        parts = line.split(" ", 3)
        if len(parts) >= 3 and parts[1] in ("HELP", "TYPE"):
            family = parts[2]
            if not _NAME.fullmatch(family):
                raise ExpositionError(f"bad family name ({where})")
            rest = parts[3] if len(parts) > 3 else ""
            if parts[1] == "TYPE":
                if family in self.types and family not in self.allow_redeclared:
                    raise ExpositionError(f"second TYPE for {family} ({where})")
                if rest not in ("counter", "gauge", "histogram", "summary", "untyped", "unknown", "info",
                                "stateset", "gaugehistogram"):
                    raise ExpositionError(f"unknown type ({where})")
                self.types[family] = rest
                if family not in self.family_order:
                    self.family_order.append(family)
            else:
                if family in self.helps and family not in self.allow_redeclared:
                    raise ExpositionError(f"second HELP for {family} ({where})")
                self.helps[family] = rest
        elif self.openmetrics:
            raise ExpositionError(f"OpenMetrics allows only HELP, TYPE, UNIT and EOF comments ({where})")

    def _sample(self, line, where):
        match = _NAME.match(line)
        if not match:
            raise ExpositionError(f"bad metric name ({where})")
        name = match.group(0)
        pos = match.end()
        labels = {}
        if pos < len(line) and line[pos] == "{":
            pos += 1
            while True:
                if line[pos] == "}":
                    pos += 1
                    break
                lmatch = _LABEL_NAME.match(line, pos)
                if not lmatch:
                    raise ExpositionError(f"bad label name at {pos} ({where})")
                label = lmatch.group(0)
                pos = lmatch.end()
                if line[pos:pos + 2] != '="':
                    raise ExpositionError(f"expected =\" after label {label} ({where})")
                pos += 2
                value_chars = []
                while True:
                    if pos >= len(line):
                        raise ExpositionError(f"unterminated label value ({where})")
                    char = line[pos]
                    if char == "\\":
                        escaped = line[pos + 1]
                        if escaped not in 'n"\\':
                            raise ExpositionError(f"bad escape \\{escaped} ({where})")
                        value_chars.append({"n": "\n", '"': '"', "\\": "\\"}[escaped])
                        pos += 2
                    elif char == '"':
                        pos += 1
                        break
                    else:
                        value_chars.append(char)
                        pos += 1
                if label in labels:
                    raise ExpositionError(f"label {label} twice ({where})")
                labels[label] = "".join(value_chars)
                if line[pos] == ",":
                    pos += 1
                elif line[pos] != "}":
                    raise ExpositionError(f"expected , or }} at {pos} ({where})")
        if pos >= len(line) or line[pos] != " ":
            raise ExpositionError(f"expected one space before the value ({where})")
        fields = line[pos + 1:].split(" ")
        if len(fields) not in (1, 2) or fields[0] == "":
            raise ExpositionError(f"bad value/timestamp ({where})")
        try:
            value = float(fields[0])
        except ValueError:
            raise ExpositionError(f"value is not a number ({where})") from None
        return name, labels, value

    # -- queries

    def get(self, name, default=None, **labels):
        """The value of the one sample with exactly these labels (`le` included), or `default`."""
        return self._index.get((name, tuple(sorted(labels.items()))), default)

    def series(self, name):
        """[(labels, value)] of every sample named `name`."""
        return [(labels, value) for sample_name, labels, value in self.samples if sample_name == name]

    def by_label(self, name, label, **match):
        """{label value: sample value} over samples of `name` whose other labels include `match`."""
        out = {}
        for labels, value in self.series(name):
            if all(labels.get(k) == v for k, v in match.items()):
                key = labels.get(label)
                if key in out:
                    raise AssertionError(f"{name}: two samples with {label}={key!r} matching {match}")
                out[key] = value
        return out

    def sum(self, name, **match):
        return sum(value for labels, value in self.series(name)
                   if all(labels.get(k) == v for k, v in match.items()))

    def family_of(self, sample_name):
        """The family a sample belongs to (histogram suffixes and OpenMetrics counter `_total`)."""
        if sample_name in self.types:
            return sample_name
        for suffix in ("_bucket", "_sum", "_count", "_total", "_created", "_info"):
            if sample_name.endswith(suffix) and sample_name[: -len(suffix)] in self.types:
                return sample_name[: -len(suffix)]
        return None


def scrape(lens, openmetrics=False):
    """GET /metrics (optionally as OpenMetrics) and parse it; asserts 200."""
    status, headers, body = http_get(lens.admin_port, "/metrics",
                                     accept=OPENMETRICS_ACCEPT if openmetrics else None)
    assert status == 200, f"/metrics answered {status}: {body[:300]!r}"
    return Exposition(body, openmetrics=openmetrics)


def check_histogram(expo, family, group_labels):
    """Asserts a histogram's buckets are cumulative, +Inf == _count, and returns its count.

    `group_labels` are the labels identifying the series (without `le`).
    """
    buckets = [(labels["le"], value) for labels, value in expo.series(family + "_bucket")
               if {k: v for k, v in labels.items() if k != "le"} == group_labels]
    assert buckets, f"no {family}_bucket series with {group_labels}"
    bounds = [(math.inf if le == "+Inf" else float(le), value) for le, value in buckets]
    assert bounds == sorted(bounds, key=lambda b: b[0]), f"{family} {group_labels}: buckets out of order"
    values = [v for _, v in bounds]
    assert values == sorted(values), f"{family} {group_labels}: buckets not cumulative: {values}"
    assert bounds[-1][0] == math.inf, f"{family} {group_labels}: no +Inf bucket"
    count = expo.get(family + "_count", **group_labels)
    total = expo.get(family + "_sum", **group_labels)
    assert count is not None and total is not None, f"{family} {group_labels}: _count or _sum missing"
    assert bounds[-1][1] == count, f"{family} {group_labels}: +Inf bucket {bounds[-1][1]} != _count {count}"
    assert total >= 0
    return count


# --------------------------------------------------------------------------- Redis INFO (direct)


def commandstats(direct):
    """{command: {calls, rejected_calls, failed_calls, ...}} from INFO commandstats, read directly."""
    raw = direct.execute_command("INFO", "commandstats")
    if isinstance(raw, dict):  # redis-py already parsed it
        return {name[len("cmdstat_"):]: values for name, values in raw.items() if name.startswith("cmdstat_")}
    text = raw.decode() if isinstance(raw, bytes) else raw
    out = {}
    for line in text.splitlines():
        if not line.startswith("cmdstat_"):
            continue
        name, fields = line[len("cmdstat_"):].split(":", 1)
        values = {}
        for field in fields.split(","):
            key, value = field.split("=", 1)
            values[key] = float(value) if "." in value else int(value)
        out[name] = values
    return out


def info_stats(direct):
    raw = direct.execute_command("INFO", "stats")
    if isinstance(raw, dict):
        return {key: str(value) for key, value in raw.items()}
    text = raw.decode() if isinstance(raw, bytes) else raw
    out = {}
    for line in text.splitlines():
        if ":" in line and not line.startswith("#"):
            key, value = line.split(":", 1)
            out[key] = value
    return out


def answered(stats_entry):
    """What redis-lens should count for a commandstats entry: calls + rejected_calls."""
    if not stats_entry:
        return 0
    return stats_entry.get("calls", 0) + stats_entry.get("rejected_calls", 0)


# --------------------------------------------------------------------------- clients


class CountingClient(RawClient):
    """A RawClient that counts the bytes it sends and receives, and pipelines."""

    def __init__(self, port, timeout=30.0):
        super().__init__(port, timeout=timeout)
        self.sent_bytes = 0
        self.received_bytes = 0

    def send(self, data):
        self.sent_bytes += len(data)
        super().send(data)

    def _fill(self):
        before = len(self.buf)
        super()._fill()
        self.received_bytes += len(self.buf) - before

    def read_until_eof(self):
        before = len(self.buf)
        data = super().read_until_eof()
        self.received_bytes += len(data) - before
        return data

    def pipeline(self, commands):
        """Sends every command in one write, then reads as many replies."""
        from conftest import encode
        self.send(b"".join(encode(*command) for command in commands))
        return [self.read_reply() for _ in commands]

    @property
    def address(self):
        host, port = self.sock.getsockname()[:2]
        return f"{host}:{port}"


# --------------------------------------------------------------------------- promtool


def promtool():
    path = shutil.which("promtool")
    assert path, "promtool is not installed (apt-get install -y prometheus)"
    return path


def promtool_check(text):
    """(exit code, combined output lines) of `promtool check metrics` on `text`."""
    result = subprocess.run([promtool(), "check", "metrics"], input=text.encode(), capture_output=True,
                            timeout=60)
    output = (result.stdout + result.stderr).decode(errors="replace")
    return result.returncode, [line for line in output.splitlines() if line.strip()]


def counting_client(lens, timeout=30.0):
    """A CountingClient through `lens`, closed with the proxy's other test clients."""
    client = CountingClient(lens.port, timeout=timeout)
    lens._clients.append(client)  # closed by LensProcess.close_clients()
    return client


def delta(before, after):
    """{key: after - before} for keys whose value changed (missing keys count as 0)."""
    keys = set(before) | set(after)
    out = {}
    for key in keys:
        change = after.get(key, 0) - before.get(key, 0)
        if change:
            out[key] = change
    return out
