"""Argo CD source with both `chart` and `path`, or neither.

`chart` means a Helm repository, `path` a directory of a git repository: with both, Argo CD
treats the source as a Helm repository and ignores the path; with neither, a Helm repository
source cannot resolve anything (a git source deploys the repository root).

Problematic:
    source {
      repo_url = "https://github.com/grafana/beyla.git"
      chart    = "beyla"
      path     = "charts/beyla"
    }
Correct:
    source {
      repo_url        = "https://grafana.github.io/helm-charts"
      chart           = "beyla"
      target_revision = "1.4.13"
    }
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
            if source.chart is not None and source.path is not None:
                yield Problem(app.key_loc(*source.base), f"application {app.label}: source sets both chart and path",
                              "chart is for a Helm repository, path for a git repository: keep the one that matches repo_url")
            elif source.chart is None and source.path is None:
                yield Problem(app.key_loc(*source.base), f"application {app.label}: source sets neither chart nor path",
                              "set chart for a Helm repository, or path for a directory of a git repository")
