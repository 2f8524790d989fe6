"""Operator with a self-generated webhook certificate but no ignore-differences: never in sync.

With `admissionWebhooks.autoGenerateCert.enabled` (and cert-manager off) the chart generates a new
certificate at every render. Argo CD renders with `helm template`, so the application is never in
sync, self-heal keeps re-applying it, and the webhook CA can change under running pods. Ignore the
certificate Secret's data and the caBundle fields, and let sync respect that
(RespectIgnoreDifferences=true) — or use cert-manager, which avoids all of it.

Problematic:
    helm { values = yamlencode({ admissionWebhooks = { certManager = { enabled = false } } }) }
    # no ignore_difference blocks
Correct:
    sync_options = ["CreateNamespace=true", "RespectIgnoreDifferences=true"]
    ignore_difference { kind = "Secret", name = "opentelemetry-operator-controller-manager-service-cert", json_pointers = ["/data"] }
    ignore_difference { group = "admissionregistration.k8s.io", kind = "MutatingWebhookConfiguration", jq_path_expressions = [".webhooks[]?.clientConfig.caBundle"] }
    ignore_difference { group = "admissionregistration.k8s.io", kind = "ValidatingWebhookConfiguration", jq_path_expressions = [".webhooks[]?.clientConfig.caBundle"] }
    ignore_difference { group = "apiextensions.k8s.io", kind = "CustomResourceDefinition", jq_path_expressions = [".spec.conversion.webhook.clientConfig.caBundle"] }
"""

from otelstack.source import is_unknown
from otelstack.validate.finding import Problem
from otelstack.validate.rules.base import Context

ID = "argocd-webhook-cert-drift"
SEVERITY = "warning"
GROUP = "argocd"

NEEDED = (
    ("Secret", "/data", "the webhook certificate Secret's data"),
    ("MutatingWebhookConfiguration", "caBundle", "the MutatingWebhookConfiguration caBundle"),
    ("ValidatingWebhookConfiguration", "caBundle", "the ValidatingWebhookConfiguration caBundle"),
    ("CustomResourceDefinition", "caBundle", "the CRD conversion webhook caBundle"),
)


def uses_generated_certificate(values) -> bool | None:
    webhooks = values.get(("admissionWebhooks",)) if values is not None else None
    if values is None or is_unknown(webhooks):
        return None
    webhooks = webhooks if isinstance(webhooks, dict) else {}
    if webhooks.get("create") is False:
        return False
    cert_manager = (webhooks.get("certManager") or {}).get("enabled", True) if isinstance(webhooks.get("certManager"), (dict, type(None))) else True
    generated = (webhooks.get("autoGenerateCert") or {}).get("enabled", True) if isinstance(webhooks.get("autoGenerateCert"), (dict, type(None))) else True
    if is_unknown(cert_manager) or is_unknown(generated):
        return None
    return cert_manager is False and generated is not False


def check(ctx: Context):
    for app, source in ctx.chart_sources("opentelemetry-operator"):
        if uses_generated_certificate(source.values) is not True:
            continue
        ignores = app.get("spec", "ignoreDifferences")
        ignores = ignores if isinstance(ignores, list) else []
        missing = []
        for kind, needle, label in NEEDED:
            found = False
            for item in ignores:
                if not isinstance(item, dict) or item.get("kind") != kind:
                    continue
                fields = list(item.get("jsonPointers") or []) + list(item.get("jqPathExpressions") or [])
                if any(isinstance(f, str) and needle in f for f in fields):
                    found = True
            if not found:
                missing.append(label)
        respects = app.has_sync_option("RespectIgnoreDifferences=true")
        if not missing and respects is not False:
            continue
        parts = []
        if missing:
            parts.append("no ignore-differences for " + ", ".join(missing))
        if respects is False:
            parts.append("no sync option RespectIgnoreDifferences=true")
        yield Problem(app.loc("spec"), f"application {app.label}: the chart generates a new webhook certificate at every render; " + "; ".join(parts),
                      "add the ignore_difference blocks and RespectIgnoreDifferences=true, or use cert-manager (certManager.enabled: true)")
