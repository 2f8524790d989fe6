"""Generate fleets for the benchmarks: the bundled stack with N clusters in one fleet environment
(what `otelstack render` turns into ApplicationSets and per-cluster values), and a hand-written
tree of four ApplicationSets with N cluster Secrets."""

from __future__ import annotations

import argparse
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
REGIONS = ("eu-west-1", "us-east-1", "ap-south-1", "sa-east-1")
TIERS = ("gold", "silver", "bronze")


def _cluster(i: int) -> dict:
    cluster = {"name": f"cluster-{i:05d}", "server": f"https://cluster-{i:05d}.k8s.example.com", "environment": "fleet",
               "labels": {"region": REGIONS[i % len(REGIONS)], "tier": TIERS[i % len(TIERS)]}}
    # one cluster in three differs: collector sizing, Beyla discovery, or a held-back Beyla chart
    override = [{"collector": {"replicas": 2 + i % 3}},
                {"beyla": {"discovery": {"services": [{"k8s_namespace": f"^team-{i}$"}]}}},
                {"beyla": {"chart": {"version": "1.4.12"}}}][i % 3]
    if i % 9 < 3:
        cluster["overrides"] = override
    return cluster


def generate_stack(root: Path, clusters: int) -> Path:
    """The bundled otelstack.yaml with only its `fleet` environment, on `clusters` clusters."""
    root.mkdir(parents=True, exist_ok=True)
    text = (REPO / "otelstack.yaml").read_text()
    head = text[: text.index("\nenvironments:\n")]
    stack = yaml.safe_load(text)
    environments = {"environments": {"fleet": stack["environments"]["fleet"]}}
    body = yaml.safe_dump(environments, sort_keys=False) + yaml.safe_dump({"clusters": [_cluster(i) for i in range(clusters)]}, sort_keys=False)
    (root / "otelstack.yaml").write_text(head + "\n" + body)
    return root


APPSET = """\
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {{name: {name}, namespace: argocd}}
spec:
  goTemplate: true
  goTemplateOptions: [missingkey=error]
  generators:
    - clusters:
        selector:
          matchLabels: {{enable_{label}: "true"}}
  template:
    metadata:
      name: '{{{{ .nameNormalized }}}}-{name}'
    spec:
      project: default
      destination: {{server: '{{{{ .server }}}}', namespace: {namespace}}}
{source}
      syncPolicy:
        automated: {{prune: true, selfHeal: true}}
        syncOptions: [CreateNamespace=true, ServerSideApply=true, SkipDryRunOnMissingResource=true]
        retry: {{limit: 10, backoff: {{duration: 10s, factor: 2, maxDuration: 5m}}}}
---
"""
SOURCES = {
    "cert-manager": ("cert_manager", "cert-manager", """\
      source:
        repoURL: https://charts.jetstack.io
        chart: cert-manager
        targetRevision: v1.16.2
        helm:
          valuesObject: {crds: {enabled: true}}"""),
    "opentelemetry-operator": ("operator", "opentelemetry-operator-system", """\
      source:
        repoURL: https://open-telemetry.github.io/opentelemetry-helm-charts
        chart: opentelemetry-operator
        targetRevision: 0.74.0
        helm:
          valuesObject:
            manager:
              collectorImage: {repository: otel/opentelemetry-collector}
            admissionWebhooks: {certManager: {enabled: true}, autoGenerateCert: {enabled: false}}"""),
    "otel-collector": ("collector", "otel", """\
      source:
        repoURL: https://github.com/example/platform.git
        targetRevision: main
        path: manifests/collector"""),
    "beyla": ("beyla", "beyla", """\
      source:
        repoURL: https://grafana.github.io/helm-charts
        chart: beyla
        targetRevision: '{{ index .metadata.annotations "beyla_version" }}'
        helm:
          valuesObject:
            privileged: false
            env:
              OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: http://otel-collector-collector.otel.svc.cluster.local:4317
              OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: grpc
              BEYLA_KUBE_CLUSTER_NAME: '{{ .name }}'"""),
}
SECRET = """\
apiVersion: v1
kind: Secret
metadata:
  name: cluster-{i:05d}
  namespace: argocd
  labels: {{argocd.argoproj.io/secret-type: cluster, enable_cert_manager: "true", enable_operator: "true", enable_collector: "true", enable_beyla: "true", region: {region}}}
  annotations: {{beyla_version: {version}}}
stringData:
  name: cluster-{i:05d}
  server: https://cluster-{i:05d}.k8s.example.com
---
"""
COLLECTOR = """\
apiVersion: opentelemetry.io/v1beta1
kind: OpenTelemetryCollector
metadata: {name: otel-collector, namespace: otel}
spec:
  mode: deployment
  config:
    receivers: {otlp: {protocols: {grpc: {endpoint: "0.0.0.0:4317"}, http: {endpoint: "0.0.0.0:4318"}}}}
    processors: {batch: {}}
    exporters: {debug: {verbosity: basic}}
    service: {pipelines: {traces: {receivers: [otlp], processors: [batch], exporters: [debug]}}}
"""


def generate_yaml(root: Path, clusters: int) -> Path:
    """Four hand-written ApplicationSets and `clusters` cluster Secrets (4 x clusters applications)."""
    (root / "manifests" / "collector").mkdir(parents=True, exist_ok=True)
    (root / "manifests" / "collector" / "collector.yaml").write_text(COLLECTOR)
    (root / "applicationsets.yaml").write_text("".join(
        APPSET.format(name=name, label=label, namespace=namespace, source=source) for name, (label, namespace, source) in SOURCES.items()))
    (root / "clusters.yaml").write_text("".join(
        SECRET.format(i=i, region=REGIONS[i % len(REGIONS)], version="1.4.12" if i % 7 == 0 else "1.4.13") for i in range(clusters)))
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("directory", type=Path)
    parser.add_argument("--clusters", type=int, default=500)
    parser.add_argument("--kind", choices=["stack", "yaml"], default="stack")
    args = parser.parse_args()
    (generate_stack if args.kind == "stack" else generate_yaml)(args.directory, args.clusters)
    print(args.directory)


if __name__ == "__main__":
    main()
