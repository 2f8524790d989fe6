"""Shapes from the second field round and its review: each was a false finding, a silent pass or a
wrong message before."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from helpers import run_cli
from otelstack.validate import Options, validate


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run(["git", "-C", str(root), "remote", "add", "origin", "https://github.com/acme-example/platform.git"], check=True)
    return root


UMBRELLA_APP = """apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: otel-prod, namespace: argocd}
spec:
  project: default
  source:
    repoURL: https://github.com/acme-example/platform.git
    targetRevision: v1.2.0
    path: charts/otel
    helm: {valueFiles: [values-prod.yaml]}
  destination: {server: https://kubernetes.default.svc, namespace: observability}
  syncPolicy: {syncOptions: [CreateNamespace=true]}
"""


def test_an_umbrella_whose_installing_application_brings_values_is_not_judged_on_its_own_values(tmp_path: Path):
    root = _tree(tmp_path, {
        "apps/otel.yaml": UMBRELLA_APP,
        "charts/otel/Chart.yaml": "apiVersion: v2\nname: otel\nversion: 1.0.0\ndependencies:\n"
                                  "  - {name: opentelemetry-collector, repository: https://open-telemetry.github.io/opentelemetry-helm-charts, version: 0.110.0}\n",
        "charts/otel/values.yaml": "opentelemetry-collector: {}\n",
        "charts/otel/values-prod.yaml": "opentelemetry-collector:\n  mode: deployment\n  image: {repository: otel/opentelemetry-collector-k8s}\n",
    })
    assert [f for f in validate([str(root)]).findings if f.rule == "helm-values-required"] == []
    (root / "apps/otel.yaml").write_text(UMBRELLA_APP.replace("    helm: {valueFiles: [values-prod.yaml]}\n", ""))
    required = [f.message.split(": ", 1)[1] for f in validate([str(root)]).findings if f.rule == "helm-values-required"]
    assert sorted(required) == ["OpenTelemetry Collector chart 0.110.0 needs image.repository, which the values leave empty: the chart stops the install",
                                "OpenTelemetry Collector chart 0.110.0 needs mode, which the values leave empty: the chart stops the install"]


def test_an_argo_cd_application_beside_a_kustomization_is_still_read(tmp_path: Path):
    """A bootstrap Application is applied by hand from the folder its kustomization lives in."""
    root = _tree(tmp_path, {
        "argocd/kustomization.yaml": "resources: [namespace.yaml]\n",
        "argocd/namespace.yaml": "apiVersion: v1\nkind: Namespace\nmetadata: {name: platform}\n",
        "argocd/root-app.yaml": UMBRELLA_APP.replace("otel-prod", "root").replace("path: charts/otel", "path: apps"),
        "argocd/fragment.json": '{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "x"}, "spec": {"replicas": 2}}\n',
        "apps/.keep": "",
    })
    report = validate([str(root)])
    assert "argocd/root-app.yaml" in report.files
    assert {s.file: s.reason for s in report.skipped}["argocd/fragment.json"].startswith("beside argocd/kustomization.yaml")


def test_a_stray_brace_pair_in_values_does_not_hide_a_syntax_error(tmp_path: Path):
    root = _tree(tmp_path, {"broken.yaml": 'msg: "{{ unterminated\nx: [1, 2\ny: z\nother: "}}"\n'})
    assert [f.rule for f in validate([str(root)]).findings] == ["syntax-yaml"]


def test_a_folder_of_a_chart_stands_for_it_only_when_it_is_a_part_of_the_chart(tmp_path: Path):
    root = _tree(tmp_path, {"Chart.yaml": "apiVersion: v2\nname: site\nversion: 0.1.0\n",
                            "deploy/namespace.yaml": "apiVersion: v1\nkind: Namespace\nmetadata: {name: site}\n"})
    assert validate([str(root / "deploy")]).files == ["namespace.yaml"]


def test_flux_values_that_are_not_a_mapping_are_one_finding_and_nothing_concluded(tmp_path: Path):
    release = ("apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: gw, namespace: obs}\nspec:\n"
               "  chart:\n    spec: {chart: opentelemetry-collector, version: 0.110.0, sourceRef: {kind: HelmRepository, name: otel}}\n"
               "  values: [mode, deployment]\n")
    root = _tree(tmp_path, {"gw.yaml": release})
    findings = [(f.rule, f.line) for f in validate([str(root)]).findings if f.severity.value != "info"]
    assert findings == [("syntax-yaml", 7)]


def test_helm_values_declarations_must_be_strings(tmp_path: Path):
    (tmp_path / "values.yaml").write_text("mode: deployment\n")
    (tmp_path / ".otelstack.yaml").write_text("helmValues:\n  - {file: values.yaml, chart: opentelemetry-collector, version: 0.110}\n")
    result = run_cli(["validate", str(tmp_path)])
    assert result.code == 2 and "helmValues[0].version" in result.err and "quote the version" in result.err
    (tmp_path / ".otelstack.yaml").write_text("helmValues:\n  - {file: values.yaml, chart: opentelemetry-collector, version: '0.110.0'}\n")
    (tmp_path / "values.yaml").write_text("- not\n- a mapping\n")
    payload = json.loads(run_cli(["validate", str(tmp_path), "--format", "json"]).out)
    assert [f["rule"] for f in payload["findings"] if f["severity"] == "error"] == ["syntax-yaml"]


def test_a_service_without_namespace_in_front_of_a_hand_written_collector_is_not_a_wiring_error(tmp_path: Path):
    root = _tree(tmp_path, {
        "svc.yaml": "apiVersion: v1\nkind: Service\nmetadata: {name: tempo}\nspec:\n  selector: {app: tempo}\n  ports: [{port: 4317}]\n",
        "collector.yaml": "apiVersion: opentelemetry.io/v1beta1\nkind: OpenTelemetryCollector\nmetadata: {name: main, namespace: obs}\n"
                          "spec:\n  image: otel/opentelemetry-collector-k8s:0.113.0\n  config:\n"
                          "    receivers: {otlp: {protocols: {grpc: {endpoint: 0.0.0.0:4317}}}}\n"
                          "    exporters: {otlp: {endpoint: tempo.obs.svc.cluster.local:4317, tls: {insecure: true}}}\n"
                          "    service: {pipelines: {traces: {receivers: [otlp], exporters: [otlp]}}}\n",
    })
    report = validate([str(root)], Options(only={"wiring-endpoint"}))
    assert [f for f in report.findings if f.severity.value == "error"] == []


FLUX_VALUES_FROM = """apiVersion: v1
kind: ConfigMap
metadata: {name: gateway-values, namespace: observability}
data:
  values.yaml: |
    mode: deployment
    config:
      service:
        pipelines:
          traces: {receivers: [otlp], exporters: [debug, otlp/vendor]}
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: gateway, namespace: observability}
spec:
  interval: 30m
  chart:
    spec: {chart: opentelemetry-collector, version: 0.110.0, sourceRef: {kind: HelmRepository, name: open-telemetry}}
  valuesFrom:
    - {kind: ConfigMap, name: gateway-values}
  values:
    image: {repository: otel/opentelemetry-collector-k8s}
"""


def test_flux_values_from_a_configmap_of_the_tree_are_merged_under_the_inline_values(tmp_path: Path):
    """Seen in Flux repos (angelokurtis/kubernetes-ops): the chart's values live in a ConfigMap the HelmRelease names."""
    root = _tree(tmp_path, {"gateway.yaml": FLUX_VALUES_FROM})
    errors = [(f.rule, f.line) for f in validate([str(root)]).findings if f.severity.value == "error"]
    assert errors == [("collector-undefined-component", 10)], "the ConfigMap's pipeline, with the inline image on top"
    (root / "gateway.yaml").write_text(FLUX_VALUES_FROM.replace("{kind: ConfigMap, name: gateway-values}", "{kind: Secret, name: gateway-values}"))
    assert [f for f in validate([str(root)]).findings if f.severity.value == "error"] == [], "a Secret's values are not in the tree"


CHART_REF = """apiVersion: source.toolkit.fluxcd.io/v1
kind: OCIRepository
metadata: {name: operator, namespace: flux-system}
spec:
  url: oci://ghcr.io/open-telemetry/opentelemetry-helm-charts/opentelemetry-operator
  ref: {tag: 0.122.0}
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: operator, namespace: flux-system}
spec:
  targetNamespace: opentelemetry-operator-system
  chartRef: {kind: OCIRepository, name: operator}
  values:
    admissionWebhooks: {certManager: {enabled: false}, autoGenerateCert: {enabled: true}}
    manager:
      autoInstrumentation:
        autoInstrumentationImage: {java: {repository: ghcr.io/example/java}}
"""


def test_a_flux_release_by_chart_ref_reads_the_chart_and_version_of_its_oci_repository(tmp_path: Path):
    """Seen in Flux home-ops repos (M0NsTeRRR/homelabv3-infra, perryhuynh/homelab): chartRef to an OCIRepository
    was not read, so a values key the operator chart does not have (its schema refuses it) passed."""
    root = _tree(tmp_path, {"operator.yaml": CHART_REF})
    errors = [(f.rule, f.line) for f in validate([str(root)]).findings if f.severity.value == "error"]
    assert errors == [("helm-values-unknown-key", 18)]
    (root / "operator.yaml").write_text(CHART_REF.replace("name: operator}\n  values", "name: elsewhere}\n  values"))
    [info] = [f for f in validate([str(root)]).findings if f.rule == "knowledge-not-checked"]
    assert "chartRef names OCIRepository elsewhere, which otelstack cannot follow here" in info.message


def test_helm_itself_keeps_grafanas_generated_password_and_a_logs_exporter_is_no_tempo_client(tmp_path: Path):
    """Seen in Flux and Terraform repos: Grafana installed by helm_release/HelmRelease (Helm's lookup keeps the Secret) was
    an Argo CD error; a logs-only exporter to VictoriaLogs was compared with Tempo's Services."""
    root = _tree(tmp_path, {
        "grafana.tf": 'resource "helm_release" "grafana" {\n  name       = "grafana"\n  repository = "https://grafana.github.io/helm-charts"\n'
                      '  chart      = "grafana"\n  version    = "8.10.4"\n  namespace  = "observability"\n}\n'
                      'resource "helm_release" "tempo" {\n  name       = "tempo"\n  repository = "https://grafana.github.io/helm-charts"\n'
                      '  chart      = "tempo"\n  version    = "1.24.1"\n  namespace  = "observability"\n}\n',
        "collector.yaml": "apiVersion: opentelemetry.io/v1beta1\nkind: OpenTelemetryCollector\nmetadata: {name: logs, namespace: observability}\n"
                          "spec:\n  image: otel/opentelemetry-collector-contrib:0.113.0\n  config:\n"
                          "    receivers: {otlp: {protocols: {grpc: {endpoint: 0.0.0.0:4317}}}}\n"
                          "    exporters: {otlphttp/logs: {endpoint: 'http://victoria-logs-server.observability.svc.cluster.local:9428/insert/opentelemetry'}}\n"
                          "    service: {pipelines: {logs: {receivers: [otlp], exporters: [otlphttp/logs]}}}\n",
    })
    rules = {f.rule for f in validate([str(root)]).findings if f.severity.value == "error"}
    assert not rules & {"argocd-grafana-admin-password", "wiring-backend-endpoint"}


def test_a_release_whose_chart_is_a_variable_is_said_not_checked(tmp_path: Path):
    root = _tree(tmp_path, {"main.tf": 'variable "chart" {\n  type = string\n}\n'
                                       'resource "helm_release" "otel" {\n  name       = "otel"\n'
                                       '  repository = "https://open-telemetry.github.io/opentelemetry-helm-charts"\n'
                                       '  chart      = var.chart\n  version    = "0.122.0"\n}\n'})
    [finding] = validate([str(root)], Options(only={"knowledge-not-checked"})).findings
    assert finding.line == 7 and "the chart is known at apply time only (var.chart)" in finding.message


OPERATOR_APP = """apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: opentelemetry-operator, namespace: argocd}
spec:
  project: default
  source: {repoURL: https://open-telemetry.github.io/opentelemetry-helm-charts, chart: opentelemetry-operator, targetRevision: 0.122.0}
  destination: {server: https://kubernetes.default.svc, namespace: opentelemetry-operator-system}
  syncPolicy: {syncOptions: [CreateNamespace=true]}
"""


def test_a_folder_of_a_repository_draws_no_conclusion_about_the_rest_of_it(tmp_path: Path):
    """Seen in Flux home-ops repos: validating the operator's folder said nothing deploys cert-manager; the repository
    deploys it in apps/cert-manager."""
    root = _tree(tmp_path, {"apps/observability/operator.yaml": OPERATOR_APP,
                            "apps/cert-manager/app.yaml": OPERATOR_APP.replace("opentelemetry-operator", "cert-manager")
                            .replace("https://open-telemetry.github.io/opentelemetry-helm-charts", "https://charts.jetstack.io")
                            .replace("0.122.0", "v1.16.2")})
    only = Options(only={"operator-cert-manager"})
    [part] = validate([str(root / "apps/observability")], only).findings
    assert part.severity.value == "info" and "this run read apps/observability/ of its repository, not the rest of it" in part.message
    assert validate([str(root)], only).findings == []
    (root / "apps/cert-manager/app.yaml").unlink()
    [whole] = validate([str(root)], only).findings
    assert whole.severity.value == "error"
