"""Operator chart on its cert-manager default (certManager.enabled: true) with no cert-manager in the stack.

`admissionWebhooks.certManager.enabled` defaults to true (and wins over autoGenerateCert): the
install fails without cert-manager in the cluster (no kind Certificate). Deploy cert-manager before
the operator, or let the chart generate the certificate. While some application deploys content
otelstack cannot see (which could be cert-manager), the finding says "not checked" (info) and why.

Problematic:
    values = yamlencode({ manager = { collectorImage = { repository = "otel/opentelemetry-collector" } } })
Correct:
    values = yamlencode({
      manager          = { collectorImage = { repository = "otel/opentelemetry-collector" } }
      admissionWebhooks = { certManager = { enabled = false }, autoGenerateCert = { enabled = true } }
    })
"""

from otelstack.source import is_unknown
from otelstack.validate.finding import Problem
from otelstack.validate.rules.base import Context

ID = "operator-cert-manager"
SEVERITY = "error"
GROUP = "helm"

PATH = ("admissionWebhooks", "certManager", "enabled")


def _cert_manager_present(ctx: Context) -> bool:
    """cert-manager deployed by the tree, or known to exist: the tree holds its objects (an Issuer,
    a Certificate), which only a cluster with cert-manager accepts."""
    return ctx.deploys("cert-manager") or any(str(obj.api_version).startswith("cert-manager.io/") for obj in ctx.platform.objects)


def check(ctx: Context):
    if _cert_manager_present(ctx):
        return
    for app, source in ctx.chart_sources("opentelemetry-operator"):
        if source.values_unknown:
            continue
        values = source.values
        webhooks = values.get(("admissionWebhooks",)) if values is not None else None
        if isinstance(webhooks, dict) and (webhooks.get("create") is False or is_unknown(webhooks.get("create"))):
            continue  # no webhooks, no certificate
        cert_manager = values.get(PATH[:2]) if values is not None else None
        if isinstance(cert_manager, dict) and cert_manager.get("issuerRef"):
            continue  # names an issuer managed elsewhere: cert-manager is there
        enabled = values.get(PATH, True) if values is not None else True
        if is_unknown(enabled) or enabled is False:
            continue
        written = values is not None and values.get(PATH) is not None
        where = values.location(PATH) if written else app.loc(*source.base)
        how = "is set to true" if written else "is true (the chart's default)"
        hint = "set admissionWebhooks.certManager.enabled: false and autoGenerateCert.enabled: true, or deploy cert-manager before the operator"
        unseen = ctx.unseen_summary(about="cert-manager", near=app.file.path)  # cert-manager could be in what is not visible
        if unseen:
            yield Problem(where, f"application {app.label}: admissionWebhooks.certManager.enabled {how}; whether cert-manager is deployed "
                                 f"is not checked: {unseen}", hint, not_checked=True)
        else:
            yield Problem(where, f"application {app.label}: admissionWebhooks.certManager.enabled {how} and nothing in the tree deploys "
                                 "cert-manager or uses it: the operator install fails where cert-manager is missing", hint)
