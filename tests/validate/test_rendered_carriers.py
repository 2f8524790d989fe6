"""Rendered carriers (Jsonnet, kustomizations, local Helm charts) through the real engines: what
they render joins the model, findings map back to the source files, and whatever cannot be
rendered here is listed as skipped with the reason. The engines are the real ones on this machine
(`make setup` provides helm and kubectl); failure paths use a RecordedRunner or take a tool away."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from otelstack.external import ProcessRunner, RecordedRunner, find_tool
from otelstack.source import Unknown
from otelstack.validate import Options, validate
from otelstack.validate.loaders import rendered
from helpers import run_cli

PLATFORM = "https://github.com/acme-example/platform.git"


def tree(root: Path, files: dict[str, str]) -> Path:
    """A platform repo: a git work tree whose origin is PLATFORM, with `files`."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run(["git", "-C", str(root), "remote", "add", "origin", PLATFORM], check=True)
    return root


def findings(report) -> list[tuple[str, str, int]]:
    """Errors and warnings (the info "not checked" findings of components without data are not what these tests are about)."""
    return [(f.rule, f.file, f.line) for f in report.findings if f.severity.value != "info"]


def skipped(report) -> dict[str, str]:
    return {s.file: s.reason for s in report.skipped if s.file != ".git/"}


def _platform(root: Path):
    from otelstack.validate.loaders import discover, loader
    from otelstack.validate.model import Platform

    platform = Platform(str(root))
    skipped_ = loader(platform).load(discover([str(root)]))
    return platform, skipped_


class Spy:
    """The real process runner, recording what it ran."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def run(self, argv, **kwargs):
        self.calls.append([str(a) for a in argv])
        return ProcessRunner().run(argv, **kwargs)


@pytest.fixture
def spy(monkeypatch) -> Spy:
    runner = Spy()
    monkeypatch.setattr(rendered, "runner", lambda: runner)
    return runner


def without(monkeypatch, *tools: str) -> None:
    real = rendered.tool
    monkeypatch.setattr(rendered, "tool", lambda name: None if name in tools else real(name))


COLLECTOR = """
    apiVersion: opentelemetry.io/v1beta1
    kind: OpenTelemetryCollector
    metadata:
      name: main
    spec:
      config:
        receivers:
          otlp:
            protocols:
              grpc:
                endpoint: 0.0.0.0:4317
        exporters:
          debug: {}
        service:
          pipelines:
            traces:
              receivers: [otlp]
              exporters: [debug]
"""




def beyla_app(version: str, endpoint: str, server: str) -> str:
    """An Argo CD Application of the Beyla chart that sends to `endpoint`."""
    return textwrap.dedent(f"""
        apiVersion: argoproj.io/v1alpha1
        kind: Application
        metadata: {{name: beyla, namespace: argocd}}
        spec:
          project: default
          source:
            repoURL: https://grafana.github.io/helm-charts
            chart: beyla
            targetRevision: {version}
            helm:
              valuesObject:
                env:
                  OTEL_EXPORTER_OTLP_ENDPOINT: {endpoint}
          destination: {{server: {server}, namespace: beyla}}
          syncPolicy: {{syncOptions: [CreateNamespace=true]}}
    """)


# Jsonnet ----------------------------------------------------------------------------------------

JSONNET_APP = """
    apiVersion: argoproj.io/v1alpha1
    kind: Application
    metadata: {name: collectors, namespace: argocd}
    spec:
      project: default
      destination: {server: https://kubernetes.default.svc, namespace: otel-collector}
      source:
        repoURL: https://github.com/acme-example/platform
        targetRevision: main
        path: collectors
        directory:
          recurse: true
          jsonnet:
            tlas:
              - {name: clusterName, value: home}
              - {name: appName, value: $ARGOCD_APP_NAME}
            extVars:
              - {name: replicas, value: "2", code: true}
      syncPolicy: {syncOptions: [CreateNamespace=true]}
"""

EDGE = """
    function(clusterName, appName)
      (import 'base.libsonnet') + {
        metadata: { name: 'edge-' + clusterName, labels: { app: appName } },
        spec+: {
          replicas: std.extVar('replicas'),
          config+: { service: { pipelines: { traces: { receivers: ['otlp'], exporters: ['otlp/tempo'] } } } },
        },
      }
"""

BASE = """
    {
      apiVersion: 'opentelemetry.io/v1beta1',
      kind: 'OpenTelemetryCollector',
      spec: {
        config: {
          receivers: { otlp: { protocols: { grpc: { endpoint: '0.0.0.0:4317' } } } },
          exporters: { 'otlp/tempo': { endpoint: 'tempo.tracing.svc:4317' } },
        },
      },
    }
"""


def test_jsonnet_directory_source_rendered_with_the_applications_arguments(tmp_path: Path):
    root = tree(tmp_path, {"argocd/collectors.yaml": JSONNET_APP, "collectors/edge.jsonnet": EDGE,
                           "collectors/base.libsonnet": BASE, "lib/unused.libsonnet": "{}\n"})
    report = validate([str(root)])
    assert [f for f in report.findings if f.severity.value == "error"] == []
    assert skipped(report) == {"lib/unused.libsonnet": "a Jsonnet library no entry file imports"}
    assert {"collectors/edge.jsonnet", "collectors/base.libsonnet"} <= set(report.files)


def test_jsonnet_finding_points_into_the_jsonnet_source(tmp_path: Path):
    root = tree(tmp_path, {"argocd/collectors.yaml": JSONNET_APP, "collectors/edge.jsonnet": EDGE,
                           "collectors/base.libsonnet": BASE.replace("'otlp/tempo'", "'otlp/other'")})
    report = validate([str(root)], Options(only={"collector-undefined-component"}))
    assert findings(report) == [("collector-undefined-component", "collectors/edge.jsonnet", 6)]
    assert "collector edge-home.otel-collector" in report.findings[0].message  # TLA and the destination namespace


def test_jsonnet_argument_no_application_gives_is_skipped(tmp_path: Path):
    root = tree(tmp_path, {"collectors/edge.jsonnet": EDGE, "collectors/base.libsonnet": BASE})
    report = validate([str(root)])
    assert findings(report) == []
    assert skipped(report) == {
        "collectors/edge.jsonnet": "Jsonnet: needs the top-level argument clusterName (no application in the tree deploys its folder): not rendered",
        "collectors/base.libsonnet": "a Jsonnet library imported by collectors/edge.jsonnet, which was not rendered",
    }
    assert "collectors/edge.jsonnet" not in report.files


def test_jsonnet_inputs_only_a_sync_knows_are_not_guessed(tmp_path: Path):
    app = JSONNET_APP.replace("$ARGOCD_APP_NAME", "$ARGOCD_APP_REVISION")
    root = tree(tmp_path, {"argocd/collectors.yaml": app, "collectors/edge.jsonnet": EDGE, "collectors/base.libsonnet": BASE})
    report = validate([str(root)])
    assert skipped(report)["collectors/edge.jsonnet"] == (
        "Jsonnet not rendered for application collectors (argocd/collectors.yaml:8:5): "
        "tlas appName uses $ARGOCD_APP_REVISION, known only when Argo CD syncs")


def test_jsonnet_missing_import_and_external_variable_are_skipped(tmp_path: Path):
    root = tree(tmp_path, {"a/vendored.jsonnet": "(import 'k8s-libsonnet/main.libsonnet') + {}\n",
                           "b/env.jsonnet": "{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: std.extVar('env') } }\n",
                           "c/config.jsonnet": "{ dashboards: [] }\n"})
    report = validate([str(root)])
    assert skipped(report) == {
        "a/vendored.jsonnet": "Jsonnet: imports k8s-libsonnet/main.libsonnet, which is not in the tree (a vendored library?): not rendered",
        "b/env.jsonnet": "Jsonnet: needs the external variable env (no application in the tree deploys its folder): not rendered",
        "c/config.jsonnet": "Jsonnet: 1 of its 1 values are not Kubernetes objects: not checked",
    }


def test_jsonnet_syntax_error_is_a_finding(tmp_path: Path):
    root = tree(tmp_path, {"bad.jsonnet": "{\n  a: ,\n}\n"})
    report = validate([str(root)])
    assert findings(report) == [("render-failed", "bad.jsonnet", 2)]


SHARED_BASE = """
{
  collector(name, processors):: {
    apiVersion: 'opentelemetry.io/v1beta1',
    kind: 'OpenTelemetryCollector',
    metadata: { name: name, namespace: 'observability' },
    spec: { config: {
      receivers: { otlp: { protocols: { grpc: {} } } },
      processors: {
        batch: {},
        'transform/drop_debug': { trace_statements: ['set(span.name, "x")'] },
      },
      exporters: {
        debug: {},
        'otlp/unused': { endpoint: 'tempo:4317' },
      },
      service: { pipelines: { traces: { receivers: ['otlp'], processors: processors, exporters: ['debug'] } } },
    } },
  },
}
"""


def test_a_definition_of_a_shared_library_is_unused_only_where_no_collector_uses_it(tmp_path: Path):
    root = tree(tmp_path, {"collectors/base.libsonnet": SHARED_BASE,
                           "collectors/edge.jsonnet": "(import 'base.libsonnet').collector('edge', ['batch'])\n",
                           "collectors/gateway.jsonnet": "(import 'base.libsonnet').collector('gateway', ['transform/drop_debug', 'batch'])\n",
                           "collectors/relay.jsonnet": "(import 'base.libsonnet').collector('relay', ['batch'])\n"})
    report = validate([str(root)])
    unused = [(f.file, f.line, f.message) for f in report.findings if f.rule == "collector-unused-component"]
    # transform/drop_debug is there for gateway; otlp/unused serves nobody: one finding at its line
    assert unused == [("collectors/base.libsonnet", 14, "collectors edge.observability, gateway.observability, relay.observability: "
                       "exporter 'otlp/unused' is defined but not used in any pipeline")]


def test_jsonnet_without_the_engine_is_skipped(tmp_path: Path, monkeypatch):
    root = tree(tmp_path, {"collectors/edge.jsonnet": EDGE, "collectors/base.libsonnet": BASE})
    for engine in ("_gojsonnet", "_jsonnet"):
        monkeypatch.setitem(sys.modules, engine, None)  # import fails
    report = validate([str(root)])
    assert skipped(report)["collectors/edge.jsonnet"] == "Jsonnet: no Jsonnet engine is installed (pip install gojsonnet)"
    assert "collectors/edge.jsonnet" not in report.files


def test_jsonnet_built_application_places_the_collector(tmp_path: Path):
    app = """
        local app(name, path, namespace) = {
          apiVersion: 'argoproj.io/v1alpha1', kind: 'Application',
          metadata: { name: name, namespace: 'argocd' },
          spec: {
            project: 'default',
            source: { repoURL: 'https://github.com/acme-example/platform', targetRevision: 'v1.0.0', path: path },
            destination: { server: 'https://kubernetes.default.svc', namespace: namespace },
            syncPolicy: { syncOptions: ['CreateNamespace=true'] },
          },
        };
        app('collector', 'collector', 'opentelemetry')
    """
    root = tree(tmp_path, {"argocd/collector-app.jsonnet": app, "collector/collector.yaml": COLLECTOR})
    report = validate([str(root)])
    assert [f for f in report.findings if f.severity.value == "error"] == []
    platform, _ = _platform(root)
    (collector,) = platform.collectors
    assert collector.namespace == "opentelemetry"
    (application,) = platform.applications
    assert application.file.path == "argocd/collector-app.jsonnet" and application.loc("spec", "sources", 0, "path").line == 6


# Kustomize --------------------------------------------------------------------------------------

OVERLAY = {
    "app/base/deployment.yaml": """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: shop-api
        spec:
          selector:
            matchLabels: {app: shop-api}
          template:
            metadata:
              labels: {app: shop-api}
            spec:
              containers:
                - name: shop-api
                  image: shop-api
    """,
    "app/base/kustomization.yaml": """
        resources:
          - deployment.yaml
        images:
          - name: shop-api
            newName: registry.example.com/shop-api
            newTag: 1.0.0
    """,
    "app/overlays/otel/deployment.yaml": """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: shop-api
        spec:
          template:
            metadata:
              annotations:
                instrumentation.opentelemetry.io/inject-java: "true"
    """,
    "app/overlays/otel/kustomization.yaml": """
        namespace: shop
        resources:
          - ../../base
        patches:
          - path: deployment.yaml
        configMapGenerator:
          - name: settings
            files: [settings.properties]
    """,
    "app/overlays/otel/settings.properties": "level=info\n",
}


def test_kustomize_overlay_rendered_once_and_its_files_not_checked_alone(tmp_path: Path, spy: Spy):
    root = tree(tmp_path, OVERLAY)
    report = validate([str(root)])
    assert findings(report) == []  # no "missing selector" on the patch, the image is pinned by the base
    assert skipped(report) == {}
    assert set(OVERLAY) <= set(report.files)
    kustomize_runs = [c for c in spy.calls if c[1:2] == ["kustomize"]]
    assert len(kustomize_runs) == 1 and kustomize_runs[0][0] == find_tool("kubectl")
    platform, _ = _platform(root)
    deployment = next(o for o in platform.objects if o.kind == "Deployment")
    assert deployment.namespace == "shop" and deployment.file.path == "app/base/deployment.yaml"
    container = deployment.doc.get(("spec", "template", "spec", "containers", 0))
    assert container["image"] == "registry.example.com/shop-api:1.0.0"
    assert deployment.doc.location(("spec", "template", "spec", "containers", 0, "image")).line == 14
    assert "config.kubernetes.io/origin" not in str(deployment.doc.data)  # the wrapper's annotation is not the user's
    config_map = next(o for o in platform.objects if o.kind == "ConfigMap")
    assert config_map.file.path == "app/overlays/otel/kustomization.yaml" and config_map.doc.location().line == 7


def test_a_patch_named_on_its_own_is_read_through_its_kustomization(tmp_path: Path):
    """Seen in angelokurtis/otel-auto-instrumentation: naming overlays/otel/deployment.yaml (a patch) read it as a
    Deployment without a selector."""
    root = tree(tmp_path, OVERLAY)
    report = validate([str(root / "app/overlays/otel/deployment.yaml")])
    assert findings(report) == []
    assert {"kustomization.yaml", "deployment.yaml", "../../base/deployment.yaml"} <= set(report.files)


def test_a_manifest_beside_a_kustomization_that_does_not_use_it_is_listed_not_checked(tmp_path: Path):
    """Seen in angelokurtis/otel-auto-instrumentation overlays/mtail: a Deployment fragment beside the
    kustomization, which does not list it, was reported as a Deployment without a selector."""
    root = tree(tmp_path, {
        "app/kustomization.yaml": "resources: [namespace.yaml]\n",
        "app/namespace.yaml": "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n",
        "app/draft.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: library}\nspec:\n  replicas: 1\n",
        "app/values.yaml": "replicas: 2\n",
        "app/main.tf": 'resource "terraform_data" "x" {}\n',
    })
    report = validate([str(root)])
    assert findings(report) == []
    assert skipped(report)["app/draft.yaml"] == ("beside app/kustomization.yaml, which does not use it: "
                                                 "Argo CD and Flux render the kustomization in that folder, never this file")
    assert "app/main.tf" in report.files, "Terraform beside a kustomization is terraform's, not Argo CD's"
    assert "app/values.yaml" not in skipped(report) or "kustomization" not in skipped(report)["app/values.yaml"]


def test_yaml_of_a_generated_config_map_is_located_in_the_file_it_came_from(tmp_path: Path):
    """Seen in motoki317/manifest: Beyla's configuration from configMapGenerator files: was reported at the
    kustomization's lines (past its end)."""
    root = tree(tmp_path, {
        "beyla/kustomization.yaml": "resources: [daemon-set.yaml]\nconfigMapGenerator:\n  - name: beyla-config\n    files: [config/beyla.yaml]\n",
        "beyla/config/beyla.yaml": "# Beyla\nattributes:\n  kubernetes:\n    enable: true\ndiscovery:\n  services:\n    - k8s_namespace: shop\n",
        "beyla/daemon-set.yaml": """
            apiVersion: apps/v1
            kind: DaemonSet
            metadata: {name: beyla}
            spec:
              selector: {matchLabels: {app: beyla}}
              template:
                metadata: {labels: {app: beyla}}
                spec:
                  hostPID: true
                  containers:
                    - name: beyla
                      image: grafana/beyla:2.5.8
                      env: [{name: BEYLA_CONFIG_PATH, value: /config/beyla.yaml}]
                      volumeMounts: [{name: config, mountPath: /config}]
                  volumes: [{name: config, configMap: {name: beyla-config}}]
        """,
    })
    report = validate([str(root)], Options(only={"beyla-config-deprecated"}))
    assert [(f.file, f.line) for f in report.findings] == [("beyla/config/beyla.yaml", 6)]


def test_kustomize_without_kubectl_lists_the_root_and_its_files(tmp_path: Path, monkeypatch):
    root = tree(tmp_path, OVERLAY)
    without(monkeypatch, "kubectl")
    report = validate([str(root)])
    assert findings(report) == []
    assert skipped(report) == {
        "app/overlays/otel/": "kubectl is not installed (make setup puts it in .tools/bin): not rendered",
        **{name: "read through the kustomization in app/overlays/otel/, which was not rendered"
           for name in OVERLAY if name != "app/overlays/otel/kustomization.yaml"},
    }


def test_kustomize_remote_base_and_helm_chart_download_are_skipped(tmp_path: Path, spy: Spy):
    root = tree(tmp_path, {
        "remote/kustomization.yaml": "resources:\n  - https://github.com/example/manifests//otel?ref=v1.0.0\n",
        "chart/kustomization.yaml": "helmCharts:\n  - name: opentelemetry-collector\n    repo: https://open-telemetry.github.io/opentelemetry-helm-charts\n    version: 0.108.0\n    valuesFile: values.yaml\n",
        "chart/values.yaml": "mode: deployment\n",
    })
    report = validate([str(root)])
    assert skipped(report) == {
        "remote/": "it refers to https://github.com/example/manifests//otel?ref=v1.0.0, which kustomize downloads at build time: not rendered offline",
        "chart/": "it inflates the Helm chart opentelemetry-collector 0.108.0, which is not vendored under its chart home (kustomize --enable-helm downloads it): not rendered offline",
        "chart/values.yaml": "read through the kustomization in chart/, which was not rendered",
    }
    assert spy.calls == []  # nothing was run for what cannot render offline


def test_kustomize_namespace_places_the_collector_for_wiring(tmp_path: Path):
    beyla = beyla_app("1.4.13", "http://main-collector.NAMESPACE.svc.cluster.local:4317", "https://kubernetes.default.svc")
    files = {"collector/collector.yaml": COLLECTOR, "collector/kustomization.yaml": "namespace: tracing\nresources: [collector.yaml]\n"}
    right = tree(tmp_path / "right", {**files, "apps/beyla.yaml": beyla.replace("NAMESPACE", "tracing")})
    wrong = tree(tmp_path / "wrong", {**files, "apps/beyla.yaml": beyla.replace("NAMESPACE", "obs")})
    assert findings(validate([str(right)], Options(only={"wiring-endpoint"}))) == []
    report = validate([str(wrong)], Options(only={"wiring-endpoint"}))
    assert findings(report) == [("wiring-endpoint", "apps/beyla.yaml", 13)]
    assert "did you mean http://main-collector.tracing.svc.cluster.local:4317" in report.findings[0].hint


def kustomize_app(options: str) -> str:
    """An Application deploying the kustomization in collector/ with `source.kustomize` options."""
    return textwrap.dedent("""
        apiVersion: argoproj.io/v1alpha1
        kind: Application
        metadata: {name: collector, namespace: argocd}
        spec:
          project: default
          source:
            repoURL: https://github.com/acme-example/platform
            targetRevision: v1.0.0
            path: collector
            kustomize: OPTIONS
          destination: {server: https://kubernetes.default.svc, namespace: observability}
    """).replace("OPTIONS", options)


def test_kustomize_options_of_the_application_are_applied(tmp_path: Path):
    app = kustomize_app("{namespace: observability, namePrefix: prod-, commonLabels: {team: platform}}")
    root = tree(tmp_path, {"argocd/collector.yaml": app, "collector/collector.yaml": COLLECTOR,
                           "collector/kustomization.yaml": "namespace: tracing\nresources: [collector.yaml]\n"})
    platform, _ = _platform(root)
    (collector,) = platform.collectors
    assert (collector.name, collector.namespace) == ("prod-main", "observability")
    assert collector.obj.doc.get(("metadata", "labels")) == {"team": "platform"}
    assert collector.obj.file.path == "collector/collector.yaml" and [a.name for a in collector.obj.deployers] == ["collector"]


def test_kustomize_options_not_reproduced_are_not_guessed(tmp_path: Path):
    app = kustomize_app('{kubeVersion: "1.30"}')
    root = tree(tmp_path, {"argocd/collector.yaml": app, "collector/collector.yaml": COLLECTOR,
                           "collector/kustomization.yaml": "resources: [collector.yaml]\n"})
    report = validate([str(root)])
    assert skipped(report)["collector/"] == ("application collector (argocd/collector.yaml:7:5) sets kustomize.kubeVersion, "
                                             "which otelstack does not apply: not rendered")


def test_kustomize_failure_is_a_finding_with_the_engines_message(tmp_path: Path, monkeypatch):
    root = tree(tmp_path, {"collector/kustomization.yaml": "resources: [collector.yaml]\n", "collector/collector.yaml": COLLECTOR})
    recorded = RecordedRunner().on(find_tool("kubectl") or "kubectl", "kustomize", returncode=1,
                                   stderr='E1201 10:00:00.000000 1 run.go:72] "command failed" err="accumulating resources: boom"')
    monkeypatch.setattr(rendered, "runner", lambda: recorded)
    monkeypatch.setattr(rendered, "tool", lambda name: name)
    recorded.script = {("kubectl", "kustomize"): recorded.script.popitem()[1]}
    report = validate([str(root)])
    assert findings(report) == [("render-failed", "collector/kustomization.yaml", 1)]
    assert report.findings[0].message == "kustomization does not build: accumulating resources: boom"
    assert skipped(report)["collector/"] == "kubectl kustomize failed (see the render-failed finding)"
    assert recorded.calls[0][:2] == ("kubectl", "kustomize")


def test_kustomization_with_a_syntax_error(tmp_path: Path, spy: Spy):
    root = tree(tmp_path, {"collector/kustomization.yaml": "resources:\n  - collector.yaml\n namespace: [\n", "collector/collector.yaml": COLLECTOR})
    report = validate([str(root)])
    assert findings(report) == [("syntax-yaml", "collector/kustomization.yaml", 3)]
    assert skipped(report)["collector/"].startswith("it: cannot read kustomization.yaml")
    assert spy.calls == []


def test_kustomize_load_restrictor_is_not_guessed(tmp_path: Path, monkeypatch):
    root = tree(tmp_path, {"collector/kustomization.yaml": "resources: [collector.yaml]\n", "collector/collector.yaml": COLLECTOR})
    recorded = RecordedRunner()
    recorded.script = {("kubectl", "kustomize"): rendered_failure("security; file '/x/y.yaml' is not in or below '/x/collector'")}
    monkeypatch.setattr(rendered, "runner", lambda: recorded)
    monkeypatch.setattr(rendered, "tool", lambda name: name)
    report = validate([str(root)])
    assert findings(report) == []
    assert "--load-restrictor LoadRestrictionsNone" in skipped(report)["collector/"]


def rendered_failure(stderr: str):
    from otelstack.external import Result

    return Result(("kubectl",), 1, "", stderr)


# Helm charts ------------------------------------------------------------------------------------

APP_OF_APPS = {
    "apps/Chart.yaml": "apiVersion: v2\nname: platform-apps\nversion: 0.1.0\n",
    "apps/values.yaml": """
        server: https://kubernetes.default.svc
        beylaVersion: 1.4.*
        collector:
          enable: true
    """,
    "apps/templates/_helpers.tpl": '{{- define "apps.labels" -}}\napp.kubernetes.io/part-of: platform-apps\n{{- end -}}\n',
    "apps/templates/collector.yaml": """
        {{- if .Values.collector.enable }}
        apiVersion: argoproj.io/v1alpha1
        kind: Application
        metadata:
          name: {{ .Release.Name }}-collector
          namespace: argocd
          labels:
            {{- include "apps.labels" . | nindent 4 }}
        spec:
          project: default
          source:
            repoURL: https://github.com/acme-example/platform
            targetRevision: HEAD
            path: collector
          destination:
            server: {{ .Values.server }}
            namespace: otel
          syncPolicy:
            syncOptions: [CreateNamespace=true]
        {{- end }}
    """,
    "apps/templates/beyla.yaml": beyla_app("{{ .Values.beylaVersion | quote }}", "http://main-collector.otel.svc.cluster.local:4317",
                                           '"{{ .Values.server }}"'),
    "collector/collector.yaml": COLLECTOR,
}

ROOT_APP = """
    apiVersion: argoproj.io/v1alpha1
    kind: Application
    metadata: {name: root, namespace: argocd}
    spec:
      project: default
      source:
        repoURL: https://github.com/acme-example/platform
        targetRevision: v1.0.0
        path: apps
        helm:
          releaseName: platform
          valuesObject:
            collector: {enable: true}
      destination: {server: https://kubernetes.default.svc, namespace: argocd}
"""


def test_app_of_apps_chart_rendered_with_helm_template(tmp_path: Path, spy: Spy):
    root = tree(tmp_path, APP_OF_APPS)
    report = validate([str(root)])
    # the rendered Applications are judged like YAML ones, at their line in the template
    assert findings(report) == [("security-beyla-privileged", "apps/templates/beyla.yaml", 6),
                                ("argocd-revision-range", "apps/templates/beyla.yaml", 9)]
    helm_runs = [c for c in spy.calls if c[1:2] == ["template"]]
    assert len(helm_runs) == 1 and helm_runs[0][0] == find_tool("helm")
    platform, _ = _platform(root)
    application = next(a for a in platform.applications if a.name != "beyla")
    assert application.name == "release-name-collector"  # helm's own release name: no application names one
    assert application.loc("spec", "destination", "namespace").line == 17
    assert {"apps/Chart.yaml", "apps/values.yaml", "apps/templates/collector.yaml", "apps/templates/_helpers.tpl"} <= set(platform.files)
    beyla = next(a for a in platform.applications if a.name == "beyla")
    assert beyla.sources[0].values.location(("env", "OTEL_EXPORTER_OTLP_ENDPOINT")).line == 13
    (collector,) = platform.collectors
    assert collector.obj.deployers == [application]


def test_app_of_apps_chart_with_the_values_of_its_application(tmp_path: Path, spy: Spy):
    files = {**APP_OF_APPS, "apps/values.yaml": "server: https://kubernetes.default.svc\ncollector:\n  enable: false\n",
             "argocd/root.yaml": ROOT_APP}
    root = tree(tmp_path, files)
    platform, _ = _platform(root)
    assert sorted(a.name for a in platform.applications) == ["beyla", "platform-collector", "root"]
    (run,) = [c for c in spy.calls if c[1:2] == ["template"]]
    assert run[run.index("--name-template") + 1] == "platform" and run[run.index("--namespace") + 1] == "argocd"


def test_chart_or_template_named_as_path_behaves_as_below_a_path(tmp_path: Path):
    root = tree(tmp_path, APP_OF_APPS)
    expected = [(f.rule, f.message) for f in validate([str(root / "apps")]).findings]
    assert expected and not any(rule == "syntax-yaml" for rule, _ in expected)
    for given in (root / "apps" / "templates" / "collector.yaml", root / "apps" / "values.yaml", root / "apps" / "templates"):
        assert [(f.rule, f.message) for f in validate([str(given)]).findings] == expected


def test_a_template_whose_first_action_spans_lines_is_a_template_not_broken_yaml(tmp_path: Path):
    action = "{{- range $name := list\n  \"edge\"\n  \"gateway\"\n}}\n"
    root = tree(tmp_path, {"generated/apps.yaml": action + "---\napiVersion: v1\nkind: Namespace\nmetadata: {name: '{{ $name }}'}\n{{- end }}\n",
                           "namespace.yaml": "apiVersion: v1\nkind: Namespace\nmetadata: {name: otel}\n"})
    report = validate([str(root)])
    assert not report.findings
    assert skipped(report)["generated/apps.yaml"] == ("a template: YAML only once its placeholders "
                                                      "({{- range $name := list \"edge\" \"gateway\" }}) are filled in by another tool")


def test_app_of_apps_chart_without_helm_or_dependencies_is_skipped(tmp_path: Path, monkeypatch):
    root = tree(tmp_path, APP_OF_APPS)
    without(monkeypatch, "helm")
    report = validate([str(root)])
    assert skipped(report) == {"apps/": "a Helm chart of Argo CD applications: helm is not installed (make setup puts it in .tools/bin): not rendered"}
    assert not [name for name in report.files if name.startswith("apps/")]
    monkeypatch.undo()
    (root / "apps" / "Chart.yaml").write_text("apiVersion: v2\nname: platform-apps\nversion: 0.1.0\ndependencies:\n"
                                             "  - {name: common, version: 2.0.0, repository: https://charts.example.com}\n")
    report = validate([str(root)])
    assert skipped(report) == {"apps/": "a Helm chart of Argo CD applications: its dependency common 2.0.0 is not vendored in charts/ "
                                        "(helm dependency build downloads it): not rendered offline"}


def test_app_of_apps_render_failure(tmp_path: Path):
    files = {**APP_OF_APPS, "argocd/root.yaml": ROOT_APP}
    files["apps/templates/collector.yaml"] = files["apps/templates/collector.yaml"].replace(
        "{{ .Values.server }}", '{{ required "server is required" .Values.target }}')
    root = tree(tmp_path, files)
    report = validate([str(root)], Options(only={"render-failed"}))
    assert findings(report) == [("render-failed", "argocd/root.yaml", 7)]
    assert "server is required" in report.findings[0].message
    # without an application of the tree, the chart's real values are unknown: skipped, not an error
    (root / "argocd" / "root.yaml").unlink()
    report = validate([str(root)])
    assert "render-failed" not in {f.rule for f in report.findings}
    assert "server is required" in skipped(report)["apps/"]


def test_app_of_apps_failure_path_with_a_recorded_runner(tmp_path: Path, monkeypatch):
    root = tree(tmp_path, {**APP_OF_APPS, "argocd/root.yaml": ROOT_APP})
    recorded = RecordedRunner()
    recorded.script = {("helm", "template"): rendered_failure("Error: timed out")}
    monkeypatch.setattr(rendered, "runner", lambda: recorded)
    monkeypatch.setattr(rendered, "tool", lambda name: name)
    report = validate([str(root)], Options(only={"render-failed"}))
    assert [f.message for f in report.findings] == ["helm template of apps fails for application root (argocd/root.yaml:7:5): timed out"]
    (call,) = recorded.calls
    assert call[:3] == ("helm", "template", str(root / "apps")) and "--include-crds" in call


def test_other_charts_are_skipped_and_known_chart_copies_are_values(tmp_path: Path):
    root = tree(tmp_path, {
        "web/Chart.yaml": "apiVersion: v2\nname: web\nversion: 1.0.0\n",
        "web/templates/deployment.yaml": "kind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n",
        "beyla/Chart.yaml": "apiVersion: v2\nname: beyla-umbrella\nversion: 0.1.0\ndependencies:\n"
                            "  - name: beyla\n    version: 1.4.13\n    repository: https://grafana.github.io/helm-charts\n",
        "beyla/values.yaml": "beyla:\n  env:\n    OTEL_EXPORTER_OTLP_ENDPOINT: http://nowhere-collector.otel.svc:4317\n",
        "otel/collector.yaml": COLLECTOR.replace("name: main", "name: main\n      namespace: otel"),
    })
    report = validate([str(root)], Options(only={"wiring-endpoint"}))
    assert skipped(report) == {"web/": "a Helm chart (its templates are not Argo CD applications): not rendered (helm lint checks a chart)"}
    assert not [name for name in report.files if name.startswith("web/")]
    assert findings(report) == [("wiring-endpoint", "beyla/values.yaml", 3)]
    platform, _ = _platform(root)
    (deployment,) = platform.applications
    assert deployment.engine == "helm" and deployment.sources[0].target_revision == "1.4.13"
    assert deployment.sources[0].knowledge is not None and deployment.sources[0].knowledge.name == "beyla"


# Templates and cost -----------------------------------------------------------------------------


def test_templates_that_are_yaml_are_read_with_placeholders_unknown_and_others_listed(tmp_path: Path):
    root = tree(tmp_path, {
        "collector.yaml.tpl": COLLECTOR.replace("  name: main\n", "  name: main\n      namespace: ${NAMESPACE}\n"),
        "loop.tftpl": "%{ for name in names }\n- ${name}\n%{ endfor }\n",
        "script.tpl": "#!/bin/sh\nset -e\nkubectl apply -f: -\n  x\n",
    })
    report = validate([str(root)])
    assert skipped(report) == {"loop.tftpl": "a template: YAML only once its placeholders (%{ for name in names }) are filled in by another tool",
                               "script.tpl": "a template that is not YAML before another tool renders it"}
    platform, _ = _platform(root)
    [collector] = platform.collectors
    assert collector.name == "main" and isinstance(collector.namespace, Unknown) and collector.config is not None
    assert not [f for f in report.findings if f.severity.value == "error"]
    result = run_cli(["validate", str(root / "script.tpl")])
    assert result.code == 2 and "a template that is not YAML before another tool renders it: script.tpl" in result.out
    assert "is something otelstack reads (1 not read" in result.err, "named alone, it leaves nothing checked"
    assert run_cli(["validate", str(root / "script.tpl"), str(root / "collector.yaml.tpl")]).code == 0


def test_a_tree_without_rendered_carriers_pays_nothing_for_them(tmp_path: Path):
    tree(tmp_path, {"collector/collector.yaml": COLLECTOR})
    script = textwrap.dedent(f"""
        import subprocess, sys
        from otelstack.validate import validate
        from otelstack.validate.loaders import rendered
        def refuse(*args, **kwargs):
            raise AssertionError("an engine ran")
        rendered.runner = rendered.tool = refuse
        validate([{str(tmp_path)!r}])
        assert not {{"_jsonnet", "_gojsonnet"}} & set(sys.modules), "jsonnet imported"
        print("ok")
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.stdout.strip() == "ok", result.stderr
