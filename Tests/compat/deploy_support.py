"""Helpers for the Deploy/ checks: paths, YAML/JSON loading, and extracting metric names
from PromQL (dashboard, alerts, README)."""

import json
import os
import re

import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEPLOY = os.path.join(ROOT, "Deploy")

# Every metric this project exposes starts with one of these; PromQL functions, label
# names and keywords never do, so a token with the prefix is a metric name.
_METRIC = re.compile(r"\b(?:redislens|redis)_[a-zA-Z0-9_]*[a-zA-Z0-9]")
_HISTOGRAM_SUFFIXES = ("_bucket", "_sum", "_count")


def path(*parts):
    return os.path.join(DEPLOY, *parts)


def load_yaml(*parts):
    with open(path(*parts)) as f:
        return yaml.safe_load(f)


def load_yaml_documents(*parts):
    with open(path(*parts)) as f:
        return [doc for doc in yaml.safe_load_all(f) if doc is not None]


def load_dashboard():
    with open(path("grafana", "dashboards", "redis-lens.json")) as f:
        return json.load(f)


def read(*parts):
    with open(os.path.join(ROOT, *parts)) as f:
        return f.read()


def metric_names(promql):
    """Metric names in a PromQL expression (label values in quotes excluded)."""
    without_strings = re.sub(r'"(?:[^"\\]|\\.)*"', '""', promql)
    return set(_METRIC.findall(without_strings))


def family(name, histograms):
    """The family of a sample name: `x_bucket`/`x_sum`/`x_count` of a histogram `x` is `x`."""
    for suffix in _HISTOGRAM_SUFFIXES:
        if name.endswith(suffix) and name[: -len(suffix)] in histograms:
            return name[: -len(suffix)]
    return name


def walk(node):
    """Every dict inside a JSON/YAML tree."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def dashboard_promql(dashboard):
    """PromQL of the dashboard: every Prometheus target's expr and template variable query."""
    exprs = []
    for panel in walk(dashboard):
        source = panel.get("datasource")
        if isinstance(source, dict) and source.get("uid") == "prometheus":
            if isinstance(panel.get("expr"), str):
                exprs.append(panel["expr"])
            query = panel.get("query")
            if isinstance(query, dict) and isinstance(query.get("query"), str):
                exprs.append(query["query"])
    return exprs


def alert_promql():
    rules = load_yaml("prometheus", "alerts.yml")
    return [rule["expr"] for group in rules["groups"] for rule in group["rules"]]


def readme_promql():
    """The PromQL in README.md's ```promql blocks."""
    return re.findall(r"```promql\n(.*?)```", read("README.md"), flags=re.S)
