"""Terraform helm_release without a chart version: whichever chart is newest when terraform runs.

Without `version` the helm provider installs the latest chart the repository offers at that
apply, so what is deployed changes with the chart's publisher, not with a reviewed change here
(and `devel = true` lets pre-releases in). Pin the exact chart version and bump it in a change.
A chart directory (a local path) has no version to pin. Version ranges are
`argocd-revision-range`'s.

Problematic:
    resource "helm_release" "operator" {
      repository = "https://open-telemetry.github.io/opentelemetry-helm-charts"
      chart      = "opentelemetry-operator"
    }
Correct:
    resource "helm_release" "operator" {
      repository = "https://open-telemetry.github.io/opentelemetry-helm-charts"
      chart      = "opentelemetry-operator"
      version    = "0.74.0"
    }
"""

from otelstack.validate.finding import Problem
from otelstack.validate.rules.base import Context

ID = "helm-release-unpinned"
SEVERITY = "warning"
GROUP = "helm"


def check(ctx: Context):
    for app in ctx.platform.applications:
        if app.engine != "helm" or app.raw is None:
            continue
        for source in app.sources:
            if not source.is_helm_repo or source.target_revision is not None:
                continue  # a chart directory, or a version (known or not) is given
            prerelease = app.raw.data.get("devel") is True
            yield Problem(app.key_loc(*source.base),
                          f"helm_release {app.label}: no chart version: terraform installs the newest "
                          f"{'(pre-release included) ' if prerelease else ''}{source.chart} chart at apply",
                          "set version to the exact chart version, and bump it in a reviewed change")
