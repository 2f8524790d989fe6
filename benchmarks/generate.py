"""Generate a platform tree for the benchmarks: N environments, each with two Argo CD applications
(operator and Beyla, Terraform with yamlencode values) and one OpenTelemetryCollector."""

from __future__ import annotations

import argparse
from pathlib import Path

MAIN_TF = '''resource "argocd_application" "operator" {{
  metadata {{
    name      = "opentelemetry-operator-{i}"
    namespace = "argocd"
  }}
  wait = true
  spec {{
    project = "default"
    destination {{
      server    = "https://cluster-{i}.example.com"
      namespace = "opentelemetry-operator-system"
    }}
    source {{
      repo_url        = "https://open-telemetry.github.io/opentelemetry-helm-charts"
      chart           = "opentelemetry-operator"
      target_revision = "0.74.0"
      helm {{
        release_name = "opentelemetry-operator"
        values = yamlencode({{
          manager = {{
            collectorImage = {{ repository = "otel/opentelemetry-collector" }}
            extraArgs      = ["--enable-go-instrumentation=true"]
            resources      = {{ limits = {{ memory = "{memory}Mi" }} }}
          }}
          admissionWebhooks = {{
            certManager      = {{ enabled = false }}
            autoGenerateCert = {{ enabled = true }}
          }}
        }})
      }}
    }}
    sync_policy {{
      automated {{
        prune     = true
        self_heal = true
      }}
      sync_options = ["CreateNamespace=true", "ServerSideApply=true", "RespectIgnoreDifferences=true"]
    }}
    ignore_difference {{
      kind          = "Secret"
      name          = "opentelemetry-operator-controller-manager-service-cert"
      json_pointers = ["/data"]
    }}
    ignore_difference {{
      group               = "admissionregistration.k8s.io"
      kind                = "MutatingWebhookConfiguration"
      jq_path_expressions = [".webhooks[]?.clientConfig.caBundle"]
    }}
    ignore_difference {{
      group               = "admissionregistration.k8s.io"
      kind                = "ValidatingWebhookConfiguration"
      jq_path_expressions = [".webhooks[]?.clientConfig.caBundle"]
    }}
    ignore_difference {{
      group               = "apiextensions.k8s.io"
      kind                = "CustomResourceDefinition"
      jq_path_expressions = [".spec.conversion.webhook.clientConfig.caBundle"]
    }}
  }}
}}

resource "argocd_application" "beyla" {{
  metadata {{
    name      = "beyla-{i}"
    namespace = "argocd"
  }}
  spec {{
    project = "default"
    destination {{
      server    = "https://cluster-{i}.example.com"
      namespace = "beyla"
    }}
    source {{
      repo_url        = "https://grafana.github.io/helm-charts"
      chart           = "beyla"
      target_revision = "1.4.13"
      helm {{
        release_name = "beyla"
        values = yamlencode({{
          privileged = false
          env = {{
            OTEL_EXPORTER_OTLP_TRACES_ENDPOINT = "http://otel-collector-{i}-collector.otel.svc.cluster.local:4317"
            OTEL_EXPORTER_OTLP_TRACES_PROTOCOL = "grpc"
          }}
          config = {{
            data = {{
              discovery = {{ services = [{{ k8s_namespace = "team-{i}" }}] }}
              routes    = {{ unmatched = "heuristic" }}
            }}
          }}
        }})
      }}
    }}
    sync_policy {{
      sync_options = ["CreateNamespace=true"]
    }}
  }}
}}
'''

COLLECTOR = '''apiVersion: opentelemetry.io/v1beta1
kind: OpenTelemetryCollector
metadata:
  name: otel-collector-{i}
  namespace: otel
spec:
  mode: deployment
  replicas: {replicas}
  config:
    receivers:
      otlp:
        protocols:
          grpc:
            endpoint: 0.0.0.0:4317
          http:
            endpoint: 0.0.0.0:4318
    processors:
      batch: {{}}
      memory_limiter:
        check_interval: 1s
        limit_percentage: 80
    exporters:
      debug:
        verbosity: basic
    service:
      pipelines:
        traces:
          receivers: [otlp]
          processors: [memory_limiter, batch]
          exporters: [debug]
'''


JSONNET_LIBRARY = """{
  collector(name, namespace, replicas):: {
    apiVersion: 'opentelemetry.io/v1beta1',
    kind: 'OpenTelemetryCollector',
    metadata: { name: name, namespace: namespace },
    spec: {
      mode: 'deployment',
      replicas: replicas,
      config: {
        receivers: { otlp: { protocols: { grpc: { endpoint: '0.0.0.0:4317' }, http: { endpoint: '0.0.0.0:4318' } } } },
        processors: { batch: {}, memory_limiter: { check_interval: '1s', limit_percentage: 80 } },
        exporters: { debug: { verbosity: 'basic' } },
        service: { pipelines: { traces: { receivers: ['otlp'], processors: ['memory_limiter', 'batch'], exporters: ['debug'] } } },
      },
    },
  },
}
"""

JSONNET_ENTRY = """local lib = import '../collector.libsonnet';
[
  lib.collector('jsonnet-{i}', 'otel-{i}', {replicas}),
  {{ apiVersion: 'v1', kind: 'Namespace', metadata: {{ name: 'otel-{i}' }} }},
]
"""

KUSTOMIZATION = """apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: tracing-{i}
resources:
  - namespace.yaml
  - collector.yaml
"""


def generate_rendered(root: Path, entries: int) -> Path:
    """Rendered carriers: `entries` Jsonnet entry files sharing a library, and `entries` kustomizations."""
    (root / "jsonnet").mkdir(parents=True, exist_ok=True)
    (root / "jsonnet" / "collector.libsonnet").write_text(JSONNET_LIBRARY)
    for i in range(entries):
        entry = root / "jsonnet" / f"env-{i:03d}"
        entry.mkdir(parents=True, exist_ok=True)
        (entry / "collector.jsonnet").write_text(JSONNET_ENTRY.format(i=i, replicas=1 + i % 3))
        kustomization = root / "kustomize" / f"env-{i:03d}"
        kustomization.mkdir(parents=True, exist_ok=True)
        (kustomization / "kustomization.yaml").write_text(KUSTOMIZATION.format(i=i))
        (kustomization / "namespace.yaml").write_text(f"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: tracing-{i}\n")
        (kustomization / "collector.yaml").write_text(COLLECTOR.format(i=i, replicas=1 + i % 3).replace("  namespace: otel\n", ""))
    return root


def generate(root: Path, environments: int) -> Path:
    for i in range(environments):
        env = root / "environments" / f"env-{i:03d}"
        env.mkdir(parents=True, exist_ok=True)
        (env / "main.tf").write_text(MAIN_TF.format(i=i, memory=128 + i % 4 * 64))
        (env / "collector.yaml").write_text(COLLECTOR.format(i=i, replicas=1 + i % 3))
    return root


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("root", type=Path)
    parser.add_argument("--environments", type=int, default=100)
    args = parser.parse_args()
    generate(args.root, args.environments)
