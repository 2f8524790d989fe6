"""Every attribute of every carrier otelstack reads, replaced one at a time by a value known only at
apply time, null, a number, a list and a map: each run ends with a report and no internal error.

The seeds are small, complete trees (Terraform applications, ApplicationSets, clusters, helm_release,
kubernetes_manifest, kubectl_manifest, typed namespace and DaemonSet; YAML
Application, ApplicationSet, cluster Secret, collector CR, Instrumentation and Helm values); each
mutation changes exactly one value, so a crash names the attribute that caused it."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml

from otelstack.validate import validate

# What replaces a value. In YAML an apply-time value is a whole-value placeholder (filled in by
# envsubst, Terraform or a script); in Terraform, a variable reference.
REPLACEMENTS = {
    "unknown": ("${UNKNOWN_VALUE}", "var.unknown_value"),
    "null": (None, "null"),
    "number": (42, "42"),
    "list": (["a", 1], '["a", 1]'),
    "map": ({"k": "v"}, '{ k = "v" }'),
}

APPLICATION = {
    "apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
    "metadata": {"name": "beyla", "namespace": "argocd"},
    "spec": {
        "project": "default",
        "destination": {"server": "https://kubernetes.default.svc", "namespace": "beyla"},
        "sources": [
            {"repoURL": "https://grafana.github.io/helm-charts", "chart": "beyla", "targetRevision": "1.4.13",
             "helm": {"releaseName": "beyla", "valueFiles": ["$values/values/beyla.yaml"],
                      "valuesObject": {"privileged": False, "env": {
                          "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://otel-collector-collector.otel.svc.cluster.local:4317",
                          "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "grpc"},
                          "config": {"data": {"discovery": {"services": [{"k8s_namespace": "demo"}]}}}}}},
            {"repoURL": "https://github.com/acme-example/platform.git", "targetRevision": "main", "ref": "values"},
        ],
        "syncPolicy": {"automated": {"prune": True}, "syncOptions": ["CreateNamespace=true"],
                       "retry": {"limit": 5, "backoff": {"duration": "10s", "factor": 2, "maxDuration": "3m"}}},
        "ignoreDifferences": [{"group": "apps", "kind": "Deployment", "jsonPointers": ["/spec/replicas"]}],
    },
}
APPLICATION_SET = {
    "apiVersion": "argoproj.io/v1alpha1", "kind": "ApplicationSet",
    "metadata": {"name": "operator", "namespace": "argocd"},
    "spec": {
        "goTemplate": True, "goTemplateOptions": ["missingkey=error"],
        "generators": [
            {"clusters": {"selector": {"matchLabels": {"enable_operator": "true"},
                                       "matchExpressions": [{"key": "tier", "operator": "In", "values": ["gold"]}]},
                          "values": {"revision": "0.74.0"}}},
            {"list": {"elements": [{"cluster": "eu", "url": "https://eu.k8s.example.com"}]}},
            {"matrix": {"generators": [{"clusters": {}}, {"list": {"elements": [{"env": "prod"}]}}]}},
        ],
        "template": {
            "metadata": {"name": "{{ .nameNormalized }}-operator"},
            "spec": {
                "project": "default",
                "destination": {"server": "{{ .server }}", "namespace": "opentelemetry-operator-system"},
                "source": {"repoURL": "https://open-telemetry.github.io/opentelemetry-helm-charts", "chart": "opentelemetry-operator",
                           "targetRevision": "{{ .values.revision }}",
                           "helm": {"valuesObject": {"manager": {"collectorImage": {"repository": "otel/opentelemetry-collector-k8s"}},
                                                     "admissionWebhooks": {"certManager": {"enabled": False}}}}},
                "syncPolicy": {"syncOptions": ["CreateNamespace=true", "ServerSideApply=true"]},
            },
        },
    },
}
CLUSTER_SECRET = {
    "apiVersion": "v1", "kind": "Secret",
    "metadata": {"name": "eu", "namespace": "argocd", "labels": {"argocd.argoproj.io/secret-type": "cluster", "enable_operator": "true",
                                                                "tier": "gold"}, "annotations": {"region": "eu"}},
    "stringData": {"name": "eu", "server": "https://eu.k8s.example.com", "config": "{}"},
}
COLLECTOR = {
    "apiVersion": "opentelemetry.io/v1beta1", "kind": "OpenTelemetryCollector",
    "metadata": {"name": "otel-collector", "namespace": "otel"},
    "spec": {
        "mode": "deployment", "image": "otel/opentelemetry-collector-k8s:0.113.0", "replicas": 2,
        "env": [{"name": "API_TOKEN", "valueFrom": {"secretKeyRef": {"name": "backend", "key": "token"}}}],
        "config": {
            "receivers": {"otlp": {"protocols": {"grpc": {"endpoint": "0.0.0.0:4317"}, "http": {"endpoint": "0.0.0.0:4318"}}}},
            "processors": {"memory_limiter": {"check_interval": "1s", "limit_percentage": 80}, "batch": {}},
            "exporters": {"debug": {"verbosity": "detailed"},
                          "otlp": {"endpoint": "tempo.tempo.svc:4317", "tls": {"insecure": True}, "headers": {"authorization": "${env:API_TOKEN}"}}},
            "service": {"pipelines": {"traces": {"receivers": ["otlp"], "processors": ["memory_limiter", "batch"], "exporters": ["debug", "otlp"]}}},
        },
    },
}
COLLECTOR_V1ALPHA1 = {
    "apiVersion": "opentelemetry.io/v1alpha1", "kind": "OpenTelemetryCollector",
    "metadata": {"name": "legacy", "namespace": "otel"},
    "spec": {"mode": "daemonset",
             "config": "receivers:\n  otlp:\n    protocols:\n      grpc: {}\nexporters:\n  debug: {}\nservice:\n  pipelines:\n"
                       "    traces:\n      receivers: [otlp]\n      exporters: [debug]\n"},
}
INSTRUMENTATION = {
    "apiVersion": "opentelemetry.io/v1alpha1", "kind": "Instrumentation",
    "metadata": {"name": "default", "namespace": "shop"},
    "spec": {
        "exporter": {"endpoint": "http://otel-collector-collector.otel.svc.cluster.local:4318"},
        "propagators": ["tracecontext", "baggage"],
        "env": [{"name": "OTEL_EXPORTER_OTLP_PROTOCOL", "value": "http/protobuf"}],
        "python": {"env": [{"name": "OTEL_EXPORTER_OTLP_ENDPOINT", "value": "http://otel-collector-collector.otel.svc:4318"}]},
        "java": {"env": [{"name": "OTEL_EXPORTER_OTLP_PROTOCOL", "value": "grpc"}]},
    },
}
WORKLOAD = {
    "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "shop", "namespace": "shop"},
    "spec": {"selector": {"matchLabels": {"app": "shop"}},
             "template": {"metadata": {"labels": {"app": "shop"}, "annotations": {"instrumentation.opentelemetry.io/inject-python": "true"}},
                          "spec": {"containers": [{"name": "shop", "image": "shop:1.0.0"}]}}},
}
VALUES = {"privileged": False, "env": {"BEYLA_LOG_LEVEL": "info"}, "volumes": [], "image": {"tag": "1.8.8"}}

YAML_SEEDS = {"application.yaml": [APPLICATION], "applicationset.yaml": [APPLICATION_SET, CLUSTER_SECRET],
              "collector.yaml": [COLLECTOR, COLLECTOR_V1ALPHA1], "instrumentation.yaml": [INSTRUMENTATION, WORKLOAD],
              "values/beyla.yaml": [VALUES]}

# Terraform seeds: a resource is (type, name, body); a body maps attribute names to HCL expressions
# (strings, written as is) and block names to lists of bodies.
TERRAFORM = [
    ("argocd_application", "operator", {
        "wait": "true", "cascade": "false",
        "timeouts": [{"create": '"15m"'}],
        "metadata": [{"name": '"opentelemetry-operator"', "namespace": '"argocd"', "labels": '{ team = "platform" }'}],
        "spec": [{
            "project": '"default"',
            "destination": [{"server": '"https://kubernetes.default.svc"', "namespace": '"opentelemetry-operator-system"'}],
            "source": [{
                "repo_url": '"https://open-telemetry.github.io/opentelemetry-helm-charts"', "chart": '"opentelemetry-operator"',
                "target_revision": '"0.74.0"',
                "helm": [{"release_name": '"opentelemetry-operator"',
                          "values": 'yamlencode({ manager = { collectorImage = { repository = "otel/opentelemetry-collector-k8s" } }, '
                                    'admissionWebhooks = { certManager = { enabled = false } } })'}],
            }, {
                "repo_url": '"https://github.com/acme-example/platform.git"', "target_revision": '"main"', "ref": '"values"',
                "directory": [{"exclude": '"*"'}],
            }],
            "sync_policy": [{"automated": [{"prune": "true", "self_heal": "true"}],
                             "sync_options": '["CreateNamespace=true", "ServerSideApply=true"]',
                             "retry": [{"limit": '"5"', "backoff": [{"duration": '"15s"', "factor": '"2"', "max_duration": '"5m"'}]}]}],
            "ignore_difference": [{"kind": '"MutatingWebhookConfiguration"', "jq_path_expressions": '[".webhooks[]?.clientConfig.caBundle"]'}],
        }],
    }),
    ("argocd_cluster", "eu", {
        "server": '"https://eu.k8s.example.com"', "name": '"eu"',
        "metadata": [{"labels": '{ enable_collector = "true" }', "annotations": '{ region = "eu" }'}],
    }),
    ("argocd_application_set", "collector", {
        "metadata": [{"name": '"collector"', "namespace": '"argocd"'}],
        "spec": [{
            "go_template": "true", "go_template_options": '["missingkey=error"]',
            "generator": [{"clusters": [{"selector": [{"match_labels": '{ enable_collector = "true" }'}]}]},
                          {"list": [{"elements": '[{ cluster = argocd_cluster.eu.name, url = argocd_cluster.eu.server }]'}]}],
            "template": [{
                "metadata": [{"name": '"{{ .nameNormalized }}-collector"'}],
                "spec": [{
                    "project": '"default"',
                    "destination": [{"server": '"{{ .server }}"', "namespace": '"otel"'}],
                    "source": [{"repo_url": '"https://github.com/acme-example/platform.git"', "path": '"manifests/{{ .name }}"',
                                "target_revision": '"main"'}],
                }],
            }],
        }],
    }),
    ("helm_release", "beyla", {
        "name": '"beyla"', "namespace": '"beyla"', "create_namespace": "true",
        "repository": '"https://grafana.github.io/helm-charts"', "chart": '"beyla"', "version": '"1.4.13"',
        "values": '[yamlencode({ privileged = false, env = { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT = '
                  '"http://otel-collector-collector.otel.svc.cluster.local:4317" } })]',
        "set": [{"name": '"config.data.discovery.services[0].k8s_namespace"', "value": '"demo"'}],
        "set_list": [{"name": '"extraCapabilities"', "value": '["BPF", "PERFMON"]'}],
    }),
    ("kubernetes_manifest", "gateway", {
        "manifest": '{ apiVersion = "opentelemetry.io/v1beta1", kind = "OpenTelemetryCollector", '
                    'metadata = { name = "gateway", namespace = "otel" }, spec = { config = { '
                    'receivers = { otlp = { protocols = { grpc = { endpoint = "0.0.0.0:4317" } } } }, '
                    'exporters = { debug = {} }, service = { pipelines = { traces = { receivers = ["otlp"], exporters = ["debug"] } } } } } }',
    }),
    ("kubectl_manifest", "instrumentation", {
        "yaml_body": 'yamlencode({ apiVersion = "opentelemetry.io/v1alpha1", kind = "Instrumentation", '
                     'metadata = { name = "java", namespace = "shop" }, spec = { exporter = { endpoint = "http://gateway-collector.otel.svc:4317" }, '
                     'java = { env = [{ name = "OTEL_EXPORTER_OTLP_PROTOCOL", value = "grpc" }] } } })',
        "override_namespace": '"shop"',
    }),
    ("kubernetes_namespace_v1", "tracing", {"metadata": [{"name": '"tracing"', "labels": '{ team = "platform" }'}]}),
    ("kubernetes_daemon_set_v1", "beyla", {
        "metadata": [{"name": '"ebpf-agent"', "namespace": '"obs"'}],
        "spec": [{
            "selector": [{"match_labels": '{ app = "ebpf-agent" }'}],
            "template": [{
                "metadata": [{"labels": '{ app = "ebpf-agent" }'}],
                "spec": [{
                    "host_pid": "true",
                    "container": [{
                        "name": '"agent"', "image": '"grafana/beyla:1.8.8"',
                        "env": [{"name": '"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"', "value": '"http://gateway-collector.otel.svc:4317"'}],
                        "security_context": [{"privileged": "true"}],
                    }],
                }],
            }],
        }],
    }),
]


def _yaml_paths(value: Any, path: tuple = ()):
    """Every path to a value in a document, the document's top excluded (its apiVersion/kind stay)."""
    if path:
        yield path
    if isinstance(value, dict):
        for key, item in value.items():
            if path or key not in ("apiVersion", "kind"):
                yield from _yaml_paths(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _yaml_paths(item, path + (index,))


def _replaced(document: Any, path: tuple, replacement: Any) -> Any:
    copy = json.loads(json.dumps(document))
    node = copy
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = replacement
    return copy


def _hcl_body(body: dict, indent: int = 1) -> str:
    pad = "  " * indent
    lines = []
    for key, value in body.items():
        if isinstance(value, list):
            for block in value:
                lines += [f"{pad}{key} {{", _hcl_body(block, indent + 1), f"{pad}}}"]
        else:
            lines.append(f"{pad}{key} = {value}")
    return "\n".join(lines)


def _hcl(resources) -> str:
    return "\n\n".join(f'resource "{kind}" "{name}" {{\n{_hcl_body(body)}\n}}' for kind, name, body in resources) + "\n"


def _hcl_paths(body: dict, path: tuple = ()):
    for key, value in body.items():
        if isinstance(value, list):
            for index, block in enumerate(value):
                yield from _hcl_paths(block, path + (key, index))
        else:
            yield path + (key,)


def _hcl_replaced(resources, which: int, path: tuple, expression: str):
    copy = json.loads(json.dumps([list(r) for r in resources]))
    node = copy[which][2]
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = expression
    return [tuple(r) for r in copy]


def _yaml_cases():
    for file, documents in YAML_SEEDS.items():
        for index, document in enumerate(documents):
            for path in _yaml_paths(document):
                yield file, index, path


def _terraform_cases():
    for which, (_, _, body) in enumerate(TERRAFORM):
        for path in _hcl_paths(body):
            yield which, path


def _tree(directory: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (directory / name).parent.mkdir(parents=True, exist_ok=True)
        (directory / name).write_text(text)


def _seed_files() -> dict[str, str]:
    files = {name: yaml.safe_dump_all(documents, sort_keys=False) for name, documents in YAML_SEEDS.items()}
    files["main.tf"] = _hcl(TERRAFORM)
    return files


def _no_internal_error(files: dict[str, str], what: str) -> None:
    with tempfile.TemporaryDirectory() as directory:
        _tree(Path(directory), files)
        report = validate([directory])
    crashes = [f"{f.file}:{f.line} {f.message}" for f in report.findings if f.rule == "internal-error"]
    assert crashes == [], f"{what}: {crashes}"
    assert all(f.line >= 1 and f.column >= 1 for f in report.findings)
    assert not any("Unknown(" in f.message or "Encoded(" in f.message or "FileRef(" in f.message for f in report.findings), \
        f"{what}: a message shows Python's view of a value"


def test_the_seeds_are_read():
    with tempfile.TemporaryDirectory() as directory:
        _tree(Path(directory), _seed_files())
        report = validate([directory])
    assert [f for f in report.findings if f.rule == "internal-error"] == []
    assert {"application.yaml", "applicationset.yaml", "collector.yaml", "instrumentation.yaml", "main.tf"} <= set(report.files)
    assert not [s for s in report.skipped if s.file == "main.tf"], "every Terraform seed resource is one otelstack reads"


YAML_CASES = list(_yaml_cases())
TERRAFORM_CASES = list(_terraform_cases())


@pytest.mark.parametrize("kind", list(REPLACEMENTS))
def test_every_yaml_value_replaced(kind):
    replacement = REPLACEMENTS[kind][0]
    seed = _seed_files()
    assert len(YAML_CASES) > 150
    for file, index, path in YAML_CASES:
        documents = list(YAML_SEEDS[file])
        documents[index] = _replaced(documents[index], path, replacement)
        _no_internal_error({**seed, file: yaml.safe_dump_all(documents, sort_keys=False)}, f"{file} doc {index} {path} = {kind}")


@pytest.mark.parametrize("kind", list(REPLACEMENTS))
def test_every_terraform_attribute_replaced(kind):
    expression = REPLACEMENTS[kind][1]
    seed = _seed_files()
    assert len(TERRAFORM_CASES) > 40
    for which, path in TERRAFORM_CASES:
        _no_internal_error({**seed, "main.tf": _hcl(_hcl_replaced(TERRAFORM, which, path, expression))},
                           f"{TERRAFORM[which][0]}.{TERRAFORM[which][1]} {path} = {kind}")
