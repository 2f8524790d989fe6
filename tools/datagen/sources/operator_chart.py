"""The OpenTelemetry Operator Helm chart (open-telemetry/opentelemetry-helm-charts, charts/opentelemetry-operator).

Besides the values keys (shared with the collector chart), `webhookCertificateSecret`: whether the
Secret holding the chart's self-generated webhook certificate is a Helm hook, per chart version,
read from the Secret document of the admission-webhook templates at every release tag (also those
older than the values catalogue): hook annotations written in the template (`how: template`), or
rendered from a values key whose default carries them (`how: values`, `valuesKey`).
"""

from __future__ import annotations

import re

import yaml

from datagen import ranges
from datagen.sources import _otel_chart
from datagen.upstream import UpstreamRepo

VERSION = 2
REPOSITORIES = ("open-telemetry/opentelemetry-helm-charts",)
HAND = ("charts.yaml",)
CHART = "opentelemetry-operator"
MIN_VERSION = "0.56.0"  # the first chart with operator 0.98 (v1beta1 collectors follow in 0.58)
HOOK = "helm.sh/hook"
_VALUES_ANNOTATIONS = re.compile(r"toYaml\s+\$?\.Values\.([A-Za-z0-9_.]+)")

WEBHOOK_HEADER = """
`webhookCertificateSecret`: chart versions whose self-generated webhook certificate Secret is a
Helm hook (Argo CD runs it as a PreSync hook, recreated with a new certificate on every sync and
outside sync status and RespectIgnoreDifferences). `how: template`: the annotations are written in
the template; `how: values`: they are the default of `valuesKey` (null for the key, or for its
"helm.sh/hook" entry, removes them). Versions not listed render no hook."""


def generate(repo: UpstreamRepo):
    files = _otel_chart.generate(repo, CHART, MIN_VERSION)
    chart_file = files[f"charts/{CHART}.yaml"]
    chart_file.data["webhookCertificateSecret"] = webhook_certificate_secret(repo)
    chart_file.header += WEBHOOK_HEADER
    return files


def webhook_certificate_secret(repo: UpstreamRepo) -> list[dict]:
    tags = ranges.release_tags(repo.tags(), f"{CHART}-")
    versions = [version for version, _ in tags]
    found = [_secret_hook(repo, tag) for _, tag in tags]
    out = []
    for kind in sorted({f for f in found if f is not None}, key=lambda f: versions[found.index(f)]):
        for span in ranges.inclusive_spans([f == kind for f in found], versions):
            entry = dict(span, how=kind[0])
            if kind[1]:
                entry["valuesKey"] = kind[1]
            out.append(entry)
    return sorted(out, key=lambda e: ranges.parse(e["since"]))


def _secret_hook(repo: UpstreamRepo, tag: str) -> tuple[str, str] | None:
    """("template", "") or ("values", key) when the certificate Secret is a hook at this tag, else None."""
    folder = f"charts/{CHART}/templates"
    defaults = None
    for path in repo.ls_tree(tag, folder):
        if not path.endswith((".yaml", ".tpl")):
            continue
        for document in re.split(r"(?m)^---\s*$", repo.show(tag, path) or ""):
            if not re.search(r"(?m)^kind:\s*Secret\s*$", document):
                continue
            metadata = document.split("\ndata:", 1)[0]
            if HOOK in metadata:
                return ("template", "")
            for key in _VALUES_ANNOTATIONS.findall(metadata):
                if defaults is None:
                    defaults = yaml.safe_load(repo.show(tag, f"charts/{CHART}/values.yaml") or "{}") or {}
                value = _at(defaults, key)
                if isinstance(value, dict) and HOOK in value:
                    return ("values", key)
    return None


def _at(values: dict, dotted: str):
    node = values
    for part in dotted.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node
