"""Helm values of the wrong type for the pinned chart (a list where a map is read, a string for a boolean, ...).

Beyla's `env` is a map of name to string; a list renders nothing useful. A boolean given as the
string "false" is true in a template.

Problematic:
    env:
      - name: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
        value: http://otel-collector-collector.otel.svc.cluster.local:4317
Correct:
    env:
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: http://otel-collector-collector.otel.svc.cluster.local:4317
"""

from otelstack.validate.rules._values import issues_of
from otelstack.validate.rules.base import Context

ID = "helm-values-type"
SEVERITY = "error"
GROUP = "helm"
KINDS = ("type",)


def check(ctx: Context):
    return issues_of(ctx, KINDS)
