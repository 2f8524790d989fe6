"""Issue 13's "done when": versioned knowledge judged by the version actually deployed."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import run_cli

from otelstack.knowledge import beyla_config, collector, provider
from otelstack.source import Located
from otelstack.validate import Options, validate

COLLECTOR = """\
apiVersion: opentelemetry.io/v1beta1
kind: OpenTelemetryCollector
metadata: {{name: c, namespace: otel}}
spec:
  image: {image}
  config:
    receivers: {{otlp: {{protocols: {{grpc: {{endpoint: 0.0.0.0:4317}}}}}}}}
    exporters:
      logging: {{}}
    service: {{pipelines: {{traces: {{receivers: [otlp], exporters: [logging]}}}}}}
"""
RULES = {"collector-component-not-in-image", "collector-deprecated", "knowledge-not-checked"}


def _findings(tmp_path: Path, image: str):
    (tmp_path / "collector.yaml").write_text(COLLECTOR.format(image=image))
    return validate([str(tmp_path)], Options(only=RULES)).findings


def test_logging_on_contrib_0_120_is_an_error_with_the_debug_hint(tmp_path: Path):
    findings = _findings(tmp_path, "otel/opentelemetry-collector-contrib:0.120.0")
    errors = [f for f in findings if f.severity.value == "error"]
    assert [(f.rule, f.line) for f in errors] == [("collector-component-not-in-image", 9)]  # the `logging:` key
    assert "'logging' is not in otel/opentelemetry-collector-contrib:0.120.0" in errors[0].message
    assert "removed in 0.111.0" in errors[0].hint and "use 'debug'" in errors[0].hint


def test_logging_on_contrib_0_100_is_no_error_only_a_deprecation(tmp_path: Path):
    findings = _findings(tmp_path, "otel/opentelemetry-collector-contrib:0.100.0")
    assert [f.severity.value for f in findings] == ["warning"]
    assert findings[0].rule == "collector-deprecated" and "removed in 0.111.0" in findings[0].message


def test_unknown_tag_says_components_were_not_checked(tmp_path: Path):
    findings = _findings(tmp_path, "otel/opentelemetry-collector-contrib:0.999.0")
    assert [(f.rule, f.severity.value) for f in findings] == [("knowledge-not-checked", "info")]
    assert "components not checked: no data for collector 0.999.0" in findings[0].message


def test_beyla_chart_1_4_13_unknown_config_key_gets_did_you_mean(tmp_path: Path):
    (tmp_path / "beyla.yaml").write_text("""\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: beyla, namespace: argocd}
spec:
  project: default
  destination: {server: "https://kubernetes.default.svc", namespace: beyla}
  source:
    repoURL: https://grafana.github.io/helm-charts
    chart: beyla
    targetRevision: 1.4.13
    helm:
      valuesObject:
        config:
          data:
            otel_traces_export:
              endpoint: http://otel-collector-collector.otel:4317
            discovery:
              servces: [{k8s_namespace: demo}]
""")
    findings = validate([str(tmp_path)], Options(only={"beyla-config"})).findings
    assert [(f.rule, f.line) for f in findings] == [("beyla-config", 18)]
    assert "Beyla 1.8.8 has no configuration key 'discovery.servces'" in findings[0].message
    assert findings[0].hint == "did you mean 'discovery.services'?"


def test_beyla_config_check_is_carrier_independent_and_knows_env_names():
    """The same check on a mapping from anywhere (a ConfigMap's beyla-config.yml, say)."""
    config = Located({"beyla-config.yml": {"discovery": {"services": {"k8s_namespace": "demo"}}}}, "configmap.yaml")
    problems = beyla_config.check(config, "v1.8.8", ("beyla-config.yml",))
    assert [p.message for p in problems] == [
        "Beyla 1.8.8 configuration: discovery.services must be a list, got a mapping: Beyla fails at start-up parsing it"]
    data = beyla_config.knowledge()
    assert data.key_of_env("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "1.8.8") == "otel_traces_export.endpoint"
    assert data.env_of("1.8.8")["discovery.poll_interval"] == "BEYLA_DISCOVERY_POLL_INTERVAL"
    assert data.precedence["order"] == ["defaults", "file", "env"]
    assert beyla_config.check(config, "0.1.0", ("beyla-config.yml",)) == []  # no data: the caller says "not checked"


def test_collector_ranges_answer_per_release():
    data = collector.components()
    assert data.status("exporters", "logging", "contrib", "0.110.0").present
    gone = data.status("exporters", "logging", "contrib", "0.111.0")
    assert not gone.present and gone.removed == "0.111.0" and gone.replacement == "debug"
    assert not data.status("processors", "k8sattributes", "core", "0.113.0").present
    assert data.status("processors", "k8sattributes", "core", "0.113.0").elsewhere == ("contrib", "k8s")
    assert data.coverage()[0] == "0.90.0" and data.knows("0.113.0") and not data.knows("0.113.5")


def test_contrib_renames_answer_per_release():
    data = collector.components()
    assert data.status("processors", "k8s_attributes", "contrib", "0.146.0").present
    early = data.status("processors", "k8s_attributes", "contrib", "0.145.0")
    assert not early.present and early.since == "0.146.0" and not early.unknown
    alias = data.status("processors", "k8sattributes", "k8s", "0.159.0")
    assert alias.present and alias.deprecated == "0.146.0" and alias.replacement == "k8s_attributes"
    assert data.status("exporters", "prometheus_remote_write", "core", "0.154.0").present  # core ships the contrib module
    assert "renamed it is not in otelstack's data" in data.status("connectors", "span_metrics", "contrib", "0.150.0").unknown
    assert not data.status("connectors", "span_metrics", "core", "0.150.0").unknown  # core has neither name
    assert not data.status("receivers", "kubelet_stats", "contrib", "0.140.0").unknown  # before any rename


def test_snake_case_guess_only_where_contrib_types_are_derived():
    entry = {"contrib": {"since": "0.90.0"}, "derived": True}
    base = {"releases": ["0.90.0", "0.150.0"], "images": {}, "distributions": ["contrib"],
            "components": {"receivers": {"kubeletstats": entry}}}
    derived = collector.Components({**base, "contribTypes": {"source": "naming-rule", "renamesSince": "0.144.0"}})
    assert "snake_case name" in derived.status("receivers", "kubelet_stats", "contrib", "0.150.0").unknown
    assert not derived.status("receivers", "kubelet_stat", "contrib", "0.150.0").unknown
    read = collector.Components({**base, "contribTypes": {"source": "metadata", "renamesSince": "0.144.0"}})
    assert not read.status("receivers", "kubelet_stats", "contrib", "0.150.0").unknown


def test_operator_defaults_give_the_collector_of_a_latest_tag():
    defaults = collector.operator_defaults()
    assert defaults.collector_version("0.113.0") == "0.113.0"
    assert defaults.collector_image("0.113.0") == ("ghcr.io/open-telemetry/opentelemetry-collector-releases/opentelemetry-collector", "0.113.0")
    assert defaults.protocol("python", "0.113.0") == "http/protobuf"


def test_provider_constraints():
    c = provider.parse_constraint("~> 7.0")
    assert c.admits("7.0.0") and c.admits("7.16.0") and not c.admits("8.0.0")
    c = provider.parse_constraint("~> 7.1.2")
    assert c.admits("7.1.9") and not c.admits("7.2.0") and not c.admits("7.1.1")
    c = provider.parse_constraint(">= 7.5, < 7.10")
    assert [v for v in ("7.4.0", "7.5.0", "7.9.9", "7.10.0") if c.admits(v)] == ["7.5.0", "7.9.9"]
    assert provider.parse_constraint("latest please") is None


def test_chart_version_severity_follows_consequence(tmp_path: Path):
    """Inside the known range but never published: error (the sync fails); newer than the data:
    warning; older than the data covers: info (not checked)."""
    template = (Path(__file__).parent / "rules/helm-chart-version-newer/good/main.tf").read_text()
    for name, version in (("missing", "1.4.31"), ("newer", "1.99.0"), ("older", "0.9.0")):
        (tmp_path / f"{name}.tf").write_text(template.replace('"1.16.11"', f'"{version}"').replace('"beyla"', f'"{name}"', 1))
    (tmp_path / "provider.tf").write_text('provider "argocd" {}\n')  # a root module: the provider's schema is checked
    report = validate([str(tmp_path)], Options(only={"helm-chart-version-unknown", "helm-chart-version-newer", "knowledge-not-checked"}))
    assert sorted((f.file, f.rule, f.severity.value) for f in report.findings) == [
        ("missing.tf", "helm-chart-version-unknown", "error"),
        ("newer.tf", "helm-chart-version-newer", "warning"),
        ("older.tf", "knowledge-not-checked", "info"),
    ]


def test_doctor_data_lists_the_versions_covered():
    result = run_cli(["doctor", "--data"])
    assert result.code == 0
    for expected in ("Grafana Beyla chart", "1.0.0 to 1.16.11", "collector contrib distribution", "0.90.0 to",
                     "Beyla configuration", "OpenTelemetry Operator defaults", "argoproj-labs/argocd provider", "7.0.0 to"):
        assert expected in result.out
    rows = json.loads(run_cli(["doctor", "--data", "--format", "json"]).out)
    assert {row["subject"].split(" (")[0] for row in rows} >= {"Grafana Beyla chart", "collector core distribution", "Beyla configuration"}
    assert all(row["count"] > 0 for row in rows if "cert-manager" not in row["subject"])


def test_an_unknown_chart_value_suggests_the_sibling_named_for_the_same_thing(tmp_path: Path):
    """Seen in dthackray/hetzner-lab: manager.serviceMonitor.additionalLabels, where the operator chart has extraLabels."""
    (tmp_path / "operator.yaml").write_text("""\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: operator, namespace: argocd}
spec:
  project: default
  destination: {server: https://kubernetes.default.svc, namespace: otel}
  source:
    repoURL: https://open-telemetry.github.io/opentelemetry-helm-charts
    chart: opentelemetry-operator
    targetRevision: 0.102.0
    helm:
      valuesObject:
        manager:
          serviceMonitor:
            enabled: true
            additionalLabels: {release: kube-prometheus-stack}
""")
    [finding] = validate([str(tmp_path)], Options(only={"helm-values-unknown-key"})).findings
    assert finding.line == 16 and finding.hint == "did you mean 'manager.serviceMonitor.extraLabels'?"
