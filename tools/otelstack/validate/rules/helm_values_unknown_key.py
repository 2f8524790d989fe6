"""Helm values key the pinned chart version does not have (a typo Helm ignores silently).

Checked against the chart version actually pinned (a Helm repository version, or the chart a
git tag holds). Charts without a values schema (Beyla's) accept anything; charts with one
(the operator's) fail the Argo CD sync instead. Either way the intended setting never applies.

Problematic:
    values = yamlencode({ evn = { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT = "..." } })
Correct:
    values = yamlencode({ env = { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT = "..." } })
"""

from otelstack.validate.rules._values import issues_of
from otelstack.validate.rules.base import Context

ID = "helm-values-unknown-key"
SEVERITY = "error"
GROUP = "helm"
KINDS = ("unknown",)


def check(ctx: Context):
    return issues_of(ctx, KINDS)
