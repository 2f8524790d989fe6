"""Argo CD source with both `chart` and `path`: the path is ignored.

`chart` means a Helm repository, `path` a directory of a git repository. With both, Argo CD uses
the chart and ignores the path (it accepts the source): a reviewer would ask which was meant.
In Terraform only a `path` written in the block counts: the provider's default `path = "."` is
always there.

Problematic:
    source {
      repo_url = "https://grafana.github.io/helm-charts"
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

ID = "argocd-source-chart-and-path"
SEVERITY = "warning"
GROUP = "argocd"


def check(ctx: Context):
    for app in ctx.platform.argocd_applications:
        for source in app.sources:
            if source.ref is not None or is_unknown(source.chart) or is_unknown(source.path):
                continue
            if source.chart is not None and source.path not in (None, ""):  # an empty path is no path (omitted in the JSON)
                yield Problem(app.key_loc(*source.base), f"application {app.label}: source sets both chart and path: Argo CD uses the "
                                                         f"chart {source.chart!r} and ignores path {source.path!r}",
                              "chart is for a Helm repository, path for a git repository: keep the one that matches repo_url")
