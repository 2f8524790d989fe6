"""A release of the opentelemetry-collector chart as a collector (otelstack.collectorchart): the
configuration it runs (the chart's default merged with the values as Helm merges them, then the
presets), its Service and ports, for a chart version the data covers."""

from __future__ import annotations

import pytest

from otelstack import collectorchart
from otelstack.source import Located, Location, Unknown
from otelstack.yamlsource import load_yaml

VERSION = "0.127.2"
WHERE = Location("app.yaml", 7, 5)


def values(text: str) -> Located:
    return load_yaml(text, "values.yaml").documents[0]


def test_the_chart_data_covers_the_version_and_its_default_config():
    assert collectorchart.covers(VERSION)
    default = collectorchart.at(collectorchart.facts()["config"], VERSION)
    assert default["service"]["pipelines"]["traces"]["receivers"] == ["otlp", "jaeger", "zipkin"]
    assert not collectorchart.covers("0.74.0")


def test_values_merge_over_the_default_as_helm_merges():
    own = values("config:\n"
                 "  exporters:\n"
                 "    otlphttp/backend: {endpoint: 'http://tempo:4318'}\n"
                 "  processors:\n"
                 "    batch: null\n"
                 "  service:\n"
                 "    pipelines:\n"
                 "      traces:\n"
                 "        exporters: [otlphttp/backend]\n")
    config = collectorchart.effective_config(VERSION, own, WHERE)
    assert set(config.data["exporters"]) == {"debug", "otlphttp/backend"}  # maps merge
    assert "batch" not in config.data["processors"]  # null deletes the default
    traces = config.data["service"]["pipelines"]["traces"]
    assert traces["exporters"] == ["otlphttp/backend"]  # lists replace
    assert traces["receivers"] == ["otlp", "jaeger", "zipkin"]  # the rest of the default stays
    # what the values wrote is at its line in the values file; the chart's own parts at WHERE
    assert config.location(("service", "pipelines", "traces", "exporters", 0)).file == "values.yaml"
    assert config.location(("service", "pipelines", "traces", "exporters", 0)).line == 9
    assert config.location(("receivers", "jaeger")) == WHERE
    assert config.key_location(("processors",)).file == "values.yaml"  # a key the values wrote


def test_a_preset_adds_its_components_and_prepends_to_the_pipelines_keeping_positions():
    own = values("presets:\n"
                 "  kubernetesAttributes:\n"
                 "    enabled: true\n"
                 "config:\n"
                 "  processors:\n"
                 "    k8sattributes: {passthrough: true}\n"
                 "  service:\n"
                 "    pipelines:\n"
                 "      traces:\n"
                 "        processors: [memory_limiter, batch]\n")
    config = collectorchart.effective_config(VERSION, own, WHERE)
    traces = config.data["service"]["pipelines"]["traces"]
    assert traces["processors"] == ["k8sattributes", "memory_limiter", "batch"]
    assert config.location(("service", "pipelines", "traces", "processors", 0)) == WHERE
    assert config.location(("service", "pipelines", "traces", "processors", 1)).line == 10  # memory_limiter moved with its item
    k8sattributes = config.data["processors"]["k8sattributes"]
    assert k8sattributes["passthrough"] is True  # the values' own settings win over the preset's
    assert "extract" in k8sattributes  # and the preset's other settings stay


def test_a_disabled_preset_adds_nothing_and_an_unknown_one_leaves_the_config_unknown():
    config = collectorchart.effective_config(VERSION, values("presets:\n  kubernetesAttributes:\n    enabled: false\n"), WHERE)
    assert "k8sattributes" not in config.data["processors"]
    unknown = Located({"presets": {"kubernetesAttributes": {"enabled": Unknown("var.k8s")}}}, "main.tf")
    assert collectorchart.effective_config(VERSION, unknown, WHERE) is None


def test_alternate_config_replaces_the_default_config():
    own = values("alternateConfig:\n  receivers: {otlp: {protocols: {grpc: {}}}}\n  exporters: {debug: {}}\n"
                 "  service: {pipelines: {traces: {receivers: [otlp], exporters: [debug]}}}\n")
    config = collectorchart.effective_config(VERSION, own, WHERE)
    assert set(config.data) == {"receivers", "exporters", "service"}


def test_service_ports_are_the_enabled_ports_entries():
    ports = collectorchart.service_ports(VERSION, values("ports:\n  otlp-http: {enabled: false}\n  metrics: {enabled: true}\n"), WHERE)
    by_name = {p.name: p for p in ports}
    assert "otlp-http" not in by_name and by_name["metrics"].port == 8888
    assert by_name["otlp"] == collectorchart.ServicePort("otlp", 4317, 4317, "TCP", "grpc")
    unknown = Located({"ports": {"otlp": {"enabled": Unknown("var.otlp")}}}, "main.tf")
    assert collectorchart.service_ports(VERSION, unknown, WHERE) is None


def test_service_ports_reach_the_receivers_listening_behind_them():
    config = collectorchart.effective_config(VERSION, None, WHERE)
    ports = collectorchart.service_ports(VERSION, None, WHERE)
    reached = {p.port: (p.receiver, p.protocol) for p in collectorchart.receiver_ports(config.data, ports)}
    assert reached[4317] == ("otlp", "grpc") and reached[4318] == ("otlp", "http") and reached[9411] == ("zipkin", "")
    narrowed = values("config:\n  service:\n    pipelines:\n      traces: {receivers: [otlp]}\n"
                      "      metrics: {receivers: [otlp]}\n      logs: {receivers: [otlp]}\n")
    config = collectorchart.effective_config(VERSION, narrowed, WHERE)
    reached = {p.port for p in collectorchart.receiver_ports(config.data, ports)}
    assert reached == {4317, 4318}  # the Service still offers 9411, but no receiver listens there


@pytest.mark.parametrize("mode, switches, expected", [
    ("deployment", {}, True), ("statefulset", {}, True), ("daemonset", {}, False),
    ("daemonset", {"service": {"enabled": True}}, True), ("deployment", {"service": {"enabled": False}}, False),
    ("daemonset", {"ingress": {"enabled": True}}, True), (Unknown("var.mode"), {}, None),
])
def test_which_releases_get_a_service(mode, switches, expected):
    assert collectorchart.has_service(VERSION, mode, Located(switches, "values.yaml")) is expected


@pytest.mark.parametrize("release, overrides, expected", [
    ("gateway", {}, "gateway-opentelemetry-collector"),
    ("opentelemetry-collector-gw", {}, "opentelemetry-collector-gw"),
    ("gateway", {"nameOverride": "otelcol"}, "gateway-otelcol"),
    ("gateway", {"fullnameOverride": "traces"}, "traces"),
    ("gateway", {"fullnameOverride": Unknown("var.name")}, None),
])
def test_the_service_is_named_by_the_charts_fullname(release, overrides, expected):
    assert collectorchart.service_name(release, Located(overrides, "values.yaml")) == expected


def test_a_pipeline_a_preset_creates_is_created_or_given_only_the_presets_own_components():
    additions = {"components": {"receivers": {"filelog": {"include": ["/var/log/pods/*/*/*.log"]}}},
                 "pipelines": {"logs": {"create": {"receivers": ["filelog"], "exporters": ["debug"]}}}}
    without = Located({"receivers": {}, "service": {"pipelines": {}}}, "values.yaml")
    collectorchart._apply_preset(without, additions, WHERE)
    assert without.data["service"]["pipelines"]["logs"] == {"receivers": ["filelog"], "exporters": ["debug"]}
    own = Located({"service": {"pipelines": {"logs": {"receivers": ["otlp"], "exporters": ["otlphttp"]}}}}, "values.yaml")
    collectorchart._apply_preset(own, additions, WHERE)
    assert own.data["service"]["pipelines"]["logs"] == {"receivers": ["otlp", "filelog"], "exporters": ["otlphttp"]}


def test_a_helm_release_of_the_chart_is_a_collector_named_after_its_release():
    """The same for any deployment in the application shape: here a Terraform helm_release (engine "helm")."""
    from otelstack import charts
    from otelstack.validate.chart_collectors import chart_collectors
    from otelstack.validate.model import Application, AppSource, SourceFile

    file = SourceFile("main.tf", "", "hcl")
    doc = Located({"metadata": {"name": "otel"}, "spec": {"destination": {"namespace": "observability"}, "sources": [
        {"repoURL": "https://open-telemetry.github.io/opentelemetry-helm-charts", "chart": "opentelemetry-collector",
         "targetRevision": VERSION}]}}, "main.tf", {("spec", "sources", 0, "targetRevision"): Location("main.tf", 4, 3)})
    app = Application("otel", doc, "terraform", file, engine="helm")
    source = AppSource(0, ("spec", "sources", 0), repo_url=doc.data["spec"]["sources"][0]["repoURL"], chart="opentelemetry-collector",
                       target_revision=VERSION, release_name="gateway",
                       values=values("mode: deployment\nimage: {repository: otel/opentelemetry-collector-k8s, tag: 0.120.0}\n"))
    source.knowledge = charts.identify(source.repo_url, source.chart)
    app.sources.append(source)
    [collector] = chart_collectors(app)
    assert (collector.name, collector.namespace, collector.mode) == ("gateway", "observability", "deployment")
    assert collector.service_names() == {"service": "gateway-opentelemetry-collector"}
    assert collector.spec["image"] == "otel/opentelemetry-collector-k8s:0.120.0"
    assert {p.port for p in collector.receiver_ports()} >= {4317, 4318}
    assert collector.config.location(("receivers", "otlp")) == Location("main.tf", 4, 3)  # the chart's default: at the version
    source.values_unknown = True
    assert chart_collectors(app) == []  # values known only at apply time: not a collector otelstack can describe


def test_a_configmap_made_elsewhere_leaves_the_config_unknown():
    for own in ("configMap: {create: false}\n", "configMap: {existingName: my-collector-config}\n"):
        assert collectorchart.effective_config(VERSION, values(own), WHERE) is None
