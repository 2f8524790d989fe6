"""The Prometheus chart (prometheus-community/helm-charts, charts/prometheus) at every release tag:
app versions, how it names and exposes the server's Service (datagen.chartservice), the defaults
the wiring reads, the chart versions with the server.otlp values section; and, from
prometheus/prometheus at the release each chart version runs (cmd/prometheus/main.go), the flag
that turns on each push receiver (OTLP, remote write).
"""

from __future__ import annotations

import re

from datagen import DataFile, chartservice, hand, ranges
from datagen.upstream import UpstreamRepo

VERSION = 1
REPOSITORIES = ("prometheus-community/helm-charts", "prometheus/prometheus")
HAND = ("backends.yaml",)
CHART = "prometheus"
MAIN = "cmd/prometheus/main.go"

HEADER = """\
Chart knowledge: Prometheus (chart `prometheus`, prometheus-community), from Chart.yaml, values.yaml,
values.schema.json and the server Service's templates at every release tag; receiver flags from
cmd/prometheus/main.go of the Prometheus release each chart version runs (its appVersion).
service: for chart `since` and later the server's Service is `prometheus.server.fullname`:
server.fullnameOverride; else <release>-<server.name> when the release name contains the chart name
(or nameOverride), else <release>-prometheus-<server.name>; port `port` -> 9090. Flags:
`server.extraFlags` items become `--<item>` (a list: setting it replaces the default);
`server.extraArgs` entries become `--<key>=<value>`.
receivers: the push receivers on the HTTP port, with the path clients send to and the flag that
turns each on per chart version (`enable-feature=<name>` where Prometheus has no flag of its own;
chart versions not listed run a Prometheus without the receiver). `otlpConfigSince`: the first
chart version (of the unbroken run up to the newest) whose values have `server.otlp`."""


def generate(charts: UpstreamRepo, prometheus: UpstreamRepo) -> dict[str, DataFile]:
    facts = hand("backends.yaml")[CHART]
    found = chartservice.read(charts, CHART, f"charts/{CHART}", facts["service"], {})
    run = chartservice.supported_run(found)
    keys = {v.ports["http"] for v in run}
    if len(keys) != 1 or next(iter(keys))[0] != "values":
        raise ValueError(f"the server Service's port is not one values key across {run[0].version}..{run[-1].version}: {keys}")
    app_tags = {version: tag for version, tag in ranges.release_tags(prometheus.tags(), "v")}
    main_go: dict[str, str] = {}  # app version -> main.go
    for version in found:
        tag = app_tags.get(version.app_version)
        if tag is not None and version.app_version not in main_go:
            main_go[version.app_version] = prometheus.show(tag, MAIN) or ""
    receivers = {}
    for name, receiver in facts["receivers"].items():
        flags = [_flag(main_go.get(v.app_version), receiver) for v in found]
        receivers[name] = {"path": receiver["path"], "flags": ranges.runs(flags, [v.version for v in found], skip_none=True)}
    otlp_key = tuple(facts["otlpConfigKey"].split("."))
    data = {
        "chart": CHART,
        "title": facts["title"],
        "sources": facts["sources"],
        "valuesSchema": charts.show(f"{CHART}-{found[-1].version}", f"charts/{CHART}/values.schema.json") is not None,
        "service": {"since": run[0].version, "name": facts["service"]["name"], "port": next(iter(keys))[1]},
        "receivers": receivers,
        "otlpConfigSince": chartservice.first_of_final_run(found, lambda v: _has(v.values, otlp_key)),
        "defaults": chartservice.defaults(found, facts["defaults"]),
        "appVersions": {v.version: v.app_version for v in found},
    }
    return {f"charts/{CHART}.yaml": DataFile(data, HEADER)}


def _flag(main_go: str | None, receiver: dict) -> str | None:
    """The flag a Prometheus release takes for a receiver: its own `--<flag>`, else the feature."""
    if not main_go:
        return None
    if re.search(r'\.Flag\(\s*"' + re.escape(receiver["flag"]) + '"', main_go):
        return receiver["flag"]
    if re.search(r'case\s+"' + re.escape(receiver["feature"]) + '"', main_go):
        return f"enable-feature={receiver['feature']}"
    return None


def _has(values: dict, path: tuple) -> bool:
    node = values
    for part in path:
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True
