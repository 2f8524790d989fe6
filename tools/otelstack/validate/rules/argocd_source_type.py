"""Argo CD source with neither `chart` nor `path`: Argo CD rejects it.

`chart` means a Helm repository, `path` a directory of a git repository; a source with neither
is rejected when the application is created or synced. (Terraform's provider sets `path = "."`
when none is given, so an `argocd_application` source always has one. Both at once:
`argocd-source-chart-and-path`.)

Problematic:
    source:
      repoURL: https://github.com/example/platform.git
      targetRevision: main
Correct:
    source:
      repoURL: https://github.com/example/platform.git
      targetRevision: main
      path: manifests/collector
"""

from otelstack.source import is_unknown
from otelstack.validate.finding import Problem
from otelstack.validate.rules.base import Context

ID = "argocd-source-type"
SEVERITY = "error"
GROUP = "argocd"


def check(ctx: Context):
    for app in ctx.platform.applications:
        for source in app.sources:
            if source.ref is not None or is_unknown(source.chart) or is_unknown(source.path):
                continue  # a values-only source of a multi-source application, or not known before apply
            if source.chart is None and source.path is None and app.origin != "terraform":
                yield Problem(app.key_loc(*source.base), f"application {app.label}: source sets neither chart nor path",
                              "set chart for a Helm repository, or path for a directory of a git repository")
