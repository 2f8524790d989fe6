"""A chart of grafana-community/helm-charts (tempo, grafana), read at every release tag: app
versions, how it names and exposes the Service otelstack wires to (datagen.chartservice), and the
defaults the wiring reads. Values keys are not catalogued.
"""

from __future__ import annotations

from datagen import DataFile, chartservice, hand
from datagen.upstream import UpstreamRepo

HEADERS = {
    "tempo": """\
Chart knowledge: Grafana Tempo, single binary (chart `tempo`), from Chart.yaml, values.yaml and the
Service's templates (service.yaml, _ports.tpl, _helpers.tpl) at every release tag. Values keys are
not catalogued (no values.schema.json either): unknown keys are not reported.
service: the Service otelstack wires to, for chart `since` and later: named by `tempo.fullname`
(fullnameOverride; else the release name when it contains the chart name or nameOverride; else
<release>-tempo; cut to 63), in the release namespace. `apiPort`: the HTTP API port (/api/search,
/api/traces/<id>, /ready). OTLP: until `otlpPortsFromEndpoints` the Service always offers 4317 and
4318; from then on only for a receiver under `receivers` whose `endpoint` is set, on the endpoint's
port (targetPort stays 4317 / 4318).""",
    "grafana": """\
Chart knowledge: Grafana (chart `grafana`), from Chart.yaml, values.yaml and the Service's templates
at every release tag. Values keys are not catalogued (no values.schema.json either).
service: for chart `since` and later, named by `grafana.fullname` (as tempo.fullname), its one port
the value of `port` -> the pod's Grafana port (3000). `datasources.<file>.datasources[]` is written
to a provisioning file (through `tpl`), where Grafana expands $VAR / ${VAR} from its environment:
a literal `$` is `$$`. `adminSecret`: the values keys that say where the admin password is (without
existingSecret the chart generates a new one on every `helm template`, as under Argo CD).
`tracesToMetricsSinceApp`: the Grafana (app) version from which a Tempo datasource's
jsonData.tracesToMetrics is documented.""",
}


def generate(repo: UpstreamRepo, chart: str) -> dict[str, DataFile]:
    facts = hand("backends.yaml")[chart]
    cache: dict = {}
    found = chartservice.read(repo, chart, f"charts/{chart}", facts["service"], cache)
    run = chartservice.supported_run(found)
    service: dict = {"since": run[0].version, "name": facts["service"]["name"]}
    if chart == "tempo":
        service["apiPort"] = chartservice.versioned(run, lambda v: v.ports["api"][1])
        service["otlpPortsFromEndpoints"] = chartservice.first_of_final_run(
            run, lambda v: v.ports["otlp-grpc"][0] == "endpoint" and v.ports["otlp-http"][0] == "endpoint")
        service["receivers"] = facts["service"]["receivers"]
    else:
        keys = {v.ports["http"] for v in run}
        if len(keys) != 1 or next(iter(keys))[0] != "values":
            raise ValueError(f"grafana's Service port is not one values key across {run[0].version}..{run[-1].version}: {keys}")
        service["port"] = next(iter(keys))[1]
    data = {
        "chart": chart,
        "title": facts["title"],
        "sources": facts["sources"],
        "alsoPublishedAt": facts["alsoPublishedAt"],
        "valuesSchema": repo.show(f"{chart}-{found[-1].version}", f"charts/{chart}/values.schema.json") is not None,
        "service": service,
        "defaults": chartservice.defaults(found, facts["defaults"]),
        "appVersions": {v.version: v.app_version for v in found},
    }
    for key in ("adminSecret", "tracesToMetricsSinceApp"):
        if key in facts:
            data[key] = facts[key]
    return {f"charts/{chart}.yaml": DataFile(data, HEADERS[chart])}
