"""The backends (Tempo, Prometheus, Grafana, a hosted OTLP endpoint) as stack components: what turning
them on renders, that every address follows the backend's own section, and the stack errors that
keep the renderer from deriving wrong wiring."""

import json
from pathlib import Path

import pytest
import yaml

from helpers import replace_in, run_cli
from otelstack import wiring
from otelstack.stack import load_stack
from otelstack.validate import Options, validate

NEW_RULES = {"wiring-backend-endpoint", "wiring-backend-tls", "wiring-datasource", "wiring-secret-reference",
             "security-backend-credentials", "argocd-grafana-admin-password"}


def _collector(root: Path, env: str) -> dict:
    docs = yaml.safe_load_all((root / f"manifests/rendered/{env}/collector.yaml").read_text())
    return next(d for d in docs if d["kind"] == "OpenTelemetryCollector")


def _values(root: Path, env: str, app: str) -> dict:
    return yaml.safe_load((root / f"terraform/environments/{env}/values/{app}.yaml").read_text())


def _specs(root: Path, env: str) -> dict:
    return json.loads((root / f"terraform/environments/{env}/otelstack.auto.tfvars.json").read_text())["applications"]


def test_backends_are_off_unless_an_environment_turns_them_on(repo_root: Path):
    for env in ("kind", "production"):
        assert set(_specs(repo_root, env)) == {"opentelemetry-operator", "otel-collector", "beyla"} | ({"cert-manager"} if env == "production" else set())
        assert set(_collector(repo_root, env)["spec"]["config"]["exporters"]) == {"debug"}
        assert "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT" not in _values(repo_root, env, "beyla")["env"]


def test_kind_full_renders_the_backends_in_their_tiers(repo_root: Path):
    specs = _specs(repo_root, "kind-full")
    tiers = {name: spec["tier"] for name, spec in specs.items()}
    assert tiers == {"tempo": 0, "prometheus": 0, "opentelemetry-operator": 1, "otel-collector": 2, "beyla": 2, "grafana": 2}
    assert specs["tempo"]["source"] == {"repo_url": "https://grafana-community.github.io/helm-charts", "chart": "tempo", "path": None,
                                        "target_revision": "2.2.4", "release_name": "tempo", "values_file": "values/tempo.yaml"}
    assert specs["prometheus"]["source"]["repo_url"] == "https://prometheus-community.github.io/helm-charts"
    assert all(specs[name]["wait"] and "CreateNamespace=true" in specs[name]["sync_options"] for name in ("tempo", "prometheus", "grafana"))


def test_the_collector_exports_to_the_backends_services(repo_root: Path):
    config = _collector(repo_root, "kind-full")["spec"]["config"]
    tempo = wiring.backend_service("tempo", "tempo", "tempo", "2.2.4", _values(repo_root, "kind-full", "tempo"))
    prometheus = wiring.backend_service("prometheus", "prometheus", "prometheus", "29.27.0", _values(repo_root, "kind-full", "prometheus"))
    # gRPC to Tempo's receiver, in plaintext: the collector's gRPC client needs tls.insecure for that
    assert config["exporters"]["otlp/tempo"] == {"endpoint": "tempo.tempo.svc.cluster.local:4317", "tls": {"insecure": True}}
    assert tempo.port("otlp-grpc").port == 4317 and not tempo.port("otlp-grpc").tls
    assert config["exporters"]["otlphttp/prometheus"] == {"endpoint": "http://prometheus-server.prometheus.svc.cluster.local:80/api/v1/otlp"}
    assert "otlp" in prometheus.receivers
    pipelines = config["service"]["pipelines"]
    assert pipelines["traces"]["exporters"] == ["debug", "otlp/tempo"]
    assert pipelines["metrics"] == {"receivers": ["otlp", "prometheus/collector"], "processors": ["batch"], "exporters": ["otlphttp/prometheus"]}
    # the collector scrapes its own metrics (served on localhost:8888 only since collector 0.111)
    assert config["receivers"]["prometheus/collector"]["config"]["scrape_configs"][0]["static_configs"] == [{"targets": ["localhost:8888"]}]
    beyla = _values(repo_root, "kind-full", "beyla")["env"]
    assert beyla["OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"] == beyla["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]
    assert beyla["OTEL_EXPORTER_OTLP_METRICS_PROTOCOL"] == "grpc"
    flags = _values(repo_root, "kind-full", "prometheus")["server"]["extraFlags"]
    assert flags == ["web.enable-lifecycle", "web.enable-otlp-receiver"]


def test_grafana_datasources_read_the_backends(repo_root: Path):
    values = _values(repo_root, "kind-full", "grafana")
    assert values["admin"] == {"existingSecret": "grafana-admin"}
    sources = {d["type"]: d for d in values["datasources"]["datasources.yaml"]["datasources"]}
    assert sources["tempo"]["url"] == "http://tempo.tempo.svc.cluster.local:3200"  # the HTTP API, not a receiver
    assert sources["prometheus"]["url"] == "http://prometheus-server.prometheus.svc.cluster.local:80"
    links = sources["tempo"]["jsonData"]["tracesToMetrics"]
    assert links["datasourceUid"] == sources["prometheus"]["uid"]
    assert links["tags"] == [{"key": "service.name", "value": "service_name"}]
    # a literal $ in a provisioning file is $$ (Grafana expands $VAR there)
    assert all("{$$__tags}" in q["query"] and "http_server_request_duration_seconds" in q["query"] for q in links["queries"])


def test_addresses_follow_the_backend_sections(stack_repo: Path):
    """Release, namespace and values decide the Services; the exporter and datasources follow."""
    path = stack_repo / "otelstack.yaml"
    replace_in(path, "      tempo:\n        enabled: true\n",
               "      tempo:\n        enabled: true\n        release: traces\n        namespace: observability\n")
    replace_in(path, "          server:\n            persistentVolume: {enabled: false}",
               "          fullnameOverride: metrics\n          server:\n            persistentVolume: {enabled: false}")
    assert run_cli(["render"], cwd=stack_repo).code == 0
    config = _collector(stack_repo, "kind-full")["spec"]["config"]
    assert config["exporters"]["otlp/tempo"]["endpoint"] == "traces-tempo.observability.svc.cluster.local:4317"
    # fullnameOverride renames the chart's objects, but the server Service keeps <release>-server
    assert config["exporters"]["otlphttp/prometheus"]["endpoint"] == "http://prometheus-server.prometheus.svc.cluster.local:80/api/v1/otlp"
    urls = {d["type"]: d["url"] for d in _values(stack_repo, "kind-full", "grafana")["datasources"]["datasources.yaml"]["datasources"]}
    assert urls["tempo"] == "http://traces-tempo.observability.svc.cluster.local:3200"
    report = validate([str(stack_repo)])
    assert [f for f in report.findings if f.severity.value == "error"] == []


def test_tempo_over_http(stack_repo: Path):
    replace_in(stack_repo / "otelstack.yaml", "      tempo:\n        enabled: true\n", "      tempo:\n        enabled: true\n        protocol: http\n")
    assert run_cli(["render"], cwd=stack_repo).code == 0
    exporters = _collector(stack_repo, "kind-full")["spec"]["config"]["exporters"]
    assert exporters["otlphttp/tempo"] == {"endpoint": "http://tempo.tempo.svc.cluster.local:4318"}
    assert "otlp/tempo" not in exporters


def test_the_bundled_stack_has_no_finding_of_the_backend_rules(repo_root: Path):
    report = validate([str(repo_root)], Options(only=NEW_RULES))
    assert report.findings == []
    assert set(report.rules_run) == NEW_RULES


@pytest.mark.parametrize("old,new,expected", [
    # Prometheus's flags replaced without its OTLP receiver
    ("            persistentVolume: {enabled: false} # a throwaway cluster: no claim to provision\n",
     "            persistentVolume: {enabled: false}\n            extraFlags: [web.enable-lifecycle]\n",
     "environment 'kind-full': prometheus.values.server.extraFlags replaces the flags otelstack sets and leaves out web.enable-otlp-receiver"),
    # a chart without the otlp config section
    ("    version: 29.27.0 # Prometheus 3.14.0\n", "    version: 27.0.0\n",
     "environment 'kind-full': Prometheus chart 27.0.0 has no server.otlp section"),
    # Tempo's receiver without endpoint: no Service port (and localhost only since Tempo 2.7)
    ("      tempo:\n        enabled: true\n",
     "      tempo:\n        enabled: true\n        values: {tempo: {receivers: {otlp: {protocols: {grpc: {endpoint: null}}}}}}\n",
     "environment 'kind-full': Tempo's Service opens no OTLP grpc port with these values"),
    ("      tempo:\n        enabled: true\n",
     "      tempo:\n        enabled: true\n        values: {tempo: {receivers: {otlp: {protocols: {grpc: {endpoint: 'localhost:4317'}}}}}}\n",
     "environment 'kind-full': Tempo's OTLP grpc receiver listens on localhost"),
    ("      grafana:\n        enabled: true\n",
     "      grafana:\n        enabled: true\n      tempo: {enabled: false}\n      prometheus: {enabled: false}\n",
     "environment 'kind-full': grafana is enabled without tempo or prometheus"),
])
def test_backend_sections_that_cannot_be_wired_fail_with_file_and_line(stack_repo: Path, old: str, new: str, expected: str):
    path = stack_repo / "otelstack.yaml"
    if old.startswith("      grafana"):
        replace_in(path, "      tempo:\n        enabled: true\n      prometheus:\n        enabled: true\n", "")
        replace_in(path, "        values:\n          server:\n            persistentVolume: {enabled: false} # a throwaway cluster: no claim to provision\n", "")
    replace_in(path, old, new)
    result = run_cli(["render"], cwd=stack_repo)
    assert result.code == 2, result.out + result.err
    assert result.err.startswith("otelstack: otelstack.yaml:") and expected in result.err, result.err
    line = int(result.err.split(":")[2])
    assert line > 0


def test_a_generated_component_cannot_be_defined_by_hand(stack_repo: Path):
    replace_in(stack_repo / "otelstack.yaml", "      debug:\n        verbosity: detailed # the smoke test reads spans from this output\n",
               "      debug:\n        verbosity: detailed # the smoke test reads spans from this output\n"
               "      otlp/tempo: {endpoint: tempo:4317}\n")
    result = run_cli(["render"], cwd=stack_repo)
    assert result.code == 2
    assert "collector exporter 'otlp/tempo' is generated from the backend sections" in result.err


HOSTED = """hostedBackend:
  enabled: false
  endpoint: https://otlp.example.com
  protocol: http
  signals: [traces]
"""


def test_hosted_backend_credentials_come_from_a_secret(stack_repo: Path):
    path = stack_repo / "otelstack.yaml"
    replace_in(path, HOSTED, HOSTED.replace("enabled: false", "enabled: true").replace("signals: [traces]", "signals: [traces, metrics]"))
    assert run_cli(["render"], cwd=stack_repo).code == 0
    collector = _collector(stack_repo, "kind")
    assert collector["spec"]["config"]["exporters"]["otlphttp/hosted"] == {
        "endpoint": "https://otlp.example.com", "headers": {"Authorization": "${env:OTELSTACK_HOSTED_AUTHORIZATION}"}}
    assert collector["spec"]["env"] == [{"name": "OTELSTACK_HOSTED_AUTHORIZATION",
                                         "valueFrom": {"secretKeyRef": {"name": "otlp-credentials", "key": "authorization"}}}]
    pipelines = collector["spec"]["config"]["service"]["pipelines"]
    assert "otlphttp/hosted" in pipelines["traces"]["exporters"] and pipelines["metrics"]["exporters"] == ["otlphttp/hosted"]
    # the Secret is declared external by the stack: no finding; nothing in plain text
    report = validate([str(stack_repo)])
    assert [f for f in report.findings if f.severity.value == "error"] == []


def test_hosted_backend_refuses_plaintext(stack_repo: Path):
    replace_in(stack_repo / "otelstack.yaml", HOSTED, HOSTED.replace("https://otlp.example.com", "http://otlp.example.com"))
    result = run_cli(["render"], cwd=stack_repo)
    assert result.code == 2 and "hostedBackend.endpoint" in result.err


def test_a_template_without_env_cannot_drop_the_hosted_headers(stack_repo: Path):
    path = stack_repo / "otelstack.yaml"
    replace_in(path, HOSTED, HOSTED.replace("enabled: false", "enabled: true"))
    template = stack_repo / "manifests/templates/collector.yaml.j2"
    template.unlink()  # a symlink in the repo: replace it with an older copy without the env block
    text = (Path(__file__).parent.parent / "manifests/templates/collector.yaml.j2").read_text()
    start = text.index("{%- if collector.env is defined")
    template.write_text(text[:start] + text[text.index("{%- endif %}", start) + len("{%- endif %}\n"):])
    result = run_cli(["render"], cwd=stack_repo)
    assert result.code == 2 and "render no spec.env for the collector" in result.err


def test_a_fleet_cluster_can_turn_a_backend_on(stack_repo: Path):
    replace_in(stack_repo / "otelstack.yaml", "    overrides:\n      collector:\n        replicas: 3\n",
               "    overrides:\n      collector:\n        replicas: 3\n      tempo: {enabled: true}\n")
    assert run_cli(["render"], cwd=stack_repo).code == 0
    fleet = json.loads((stack_repo / "terraform/environments/fleet/otelstack.auto.tfvars.json").read_text())
    assert fleet["application_sets"]["tempo"]["selector"] == {"otelstack.io/environment": "fleet", "enable_tempo": "true"}
    assert fleet["clusters"]["eu-west-1"]["labels"]["enable_tempo"] == "true"
    assert "enable_tempo" not in fleet["clusters"]["us-east-1"]["labels"]
    assert fleet["clusters"]["eu-west-1"]["annotations"]["otelstack_tempo_chart_version"] == "2.2.4"
    exporters = {c: _collector(stack_repo, f"fleet/{c}")["spec"]["config"]["exporters"] for c in ("eu-west-1", "us-east-1")}
    assert "otlp/tempo" in exporters["eu-west-1"] and "otlp/tempo" not in exporters["us-east-1"]
    expanded = json.loads(run_cli(["fleet", "expand", "--env", "fleet", "--format", "json"], cwd=stack_repo).out)
    apps = {c["name"]: {a["name"] for a in c["applications"]} for c in expanded["clusters"]}
    assert "eu-west-1-tempo" in apps["eu-west-1"] and "us-east-1-tempo" not in apps["us-east-1"]
    report = validate([str(stack_repo)])
    assert [f for f in report.findings if f.severity.value == "error"] == []


def test_rendered_kind_full_objects_validate_against_their_schemas(repo_root: Path):
    from otelstack import schemacheck
    from otelstack.kubeschema import SchemaStore
    from otelstack.yamlsource import load_yaml

    store = SchemaStore("1.32")
    rel = "manifests/rendered/kind-full/collector.yaml"
    for doc in load_yaml((repo_root / rel).read_text(), rel).documents:
        kind = store.kind_schema(doc.data["apiVersion"], doc.data["kind"])
        assert schemacheck.check(kind.validator, doc, schema=kind.schema, resolve=kind.resolve) == []


def test_external_secrets_of_the_stack(repo_root: Path):
    stack_file = load_stack(repo_root / "otelstack.yaml", "otelstack.yaml")
    assert stack_file.external_secrets() == {"grafana/grafana-admin"}


def test_hosted_headers_need_their_secret(stack_repo: Path):
    replace_in(stack_repo / "otelstack.yaml", HOSTED + "  secret: otlp-credentials\n", HOSTED.replace("enabled: false", "enabled: true"))
    result = run_cli(["render"], cwd=stack_repo)
    assert result.code == 2 and "hostedBackend.headers name keys of a Secret, but hostedBackend.secret is not set" in result.err
