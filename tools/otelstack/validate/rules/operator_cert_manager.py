"""Operator chart on its cert-manager default (certManager.enabled: true) with no cert-manager in the stack.

`admissionWebhooks.certManager.enabled` defaults to true (and wins over autoGenerateCert): the
install fails without cert-manager in the cluster (no kind Certificate). Deploy cert-manager before
the operator, or let the chart generate the certificate.

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


def check(ctx: Context):
    if ctx.deploys("cert-manager"):
        return
    for app, source in ctx.chart_sources("opentelemetry-operator"):
        if source.values_unknown:
            continue
        values = source.values
        enabled = values.get(("admissionWebhooks", "certManager", "enabled"), True) if values is not None else True
        if is_unknown(enabled) or enabled is False:
            continue
        where = values.location(("admissionWebhooks", "certManager", "enabled")) if values is not None and values.get(("admissionWebhooks", "certManager", "enabled")) is not None else app.loc(*source.base)
        yield Problem(where, f"application {app.label}: admissionWebhooks.certManager.enabled is true (the chart's default) and no cert-manager is deployed: "
                             "the operator install fails", "set admissionWebhooks.certManager.enabled: false and autoGenerateCert.enabled: true, or deploy cert-manager before the operator")
