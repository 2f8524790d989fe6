"""Operator application without ServerSideApply=true (not required for these CRDs; harmless).

Informational. The operator's CRDs fit client-side apply (the largest, OpenTelemetryCollector, is
about 154 KB as compact JSON in chart 0.74.0, under the 262,144-byte annotation limit), so this is
not required. It is harmless, avoids the large last-applied annotation, and helps when the same
application carries larger CRDs.

Problematic:
    sync_options = ["CreateNamespace=true"]
Correct:
    sync_options = ["CreateNamespace=true", "ServerSideApply=true"]
"""

from otelstack.validate.finding import Problem
from otelstack.validate.rules.base import Context

ID = "argocd-operator-server-side-apply"
SEVERITY = "info"
GROUP = "argocd"


def check(ctx: Context):
    for app, source in ctx.chart_sources("opentelemetry-operator"):
        if app.engine != "argocd":
            continue  # sync options are Argo CD's
        if app.has_sync_option("ServerSideApply=true") is False:
            yield Problem(app.loc("spec", "syncPolicy") if app.get("spec", "syncPolicy") is not None else app.loc("spec"),
                          f"application {app.label}: no ServerSideApply=true; not needed for the operator's CRD sizes",
                          "optional: add it to avoid the large last-applied annotation on the CRDs")
