"""Helm chart version with a `v` prefix the chart does not publish.

Chart versions are what the repository index lists: `0.74.0`, not `v0.74.0`. (Some charts,
cert-manager among them, do publish `v1.16.2`: otelstack knows which.)

Problematic:
    chart           = "opentelemetry-operator"
    target_revision = "v0.74.0"
Correct:
    chart           = "opentelemetry-operator"
    target_revision = "0.74.0"
"""

from otelstack.validate.finding import Problem
from otelstack.validate.rules.base import Context

ID = "argocd-chart-version-prefix"
SEVERITY = "error"
GROUP = "argocd"


def check(ctx: Context):
    for app in ctx.platform.applications:
        for source in app.sources:
            revision = source.target_revision
            knowledge = source.knowledge
            if not (source.is_helm_repo and knowledge is not None and isinstance(revision, str)):
                continue
            if revision.startswith("v") and not knowledge.version_prefix:
                bare = revision[1:]
                known = f" ({knowledge.title} chart {bare} exists)" if knowledge.knows_version(bare) else ""
                yield Problem(app.loc(*source.base, "targetRevision"),
                              f"application {app.label}: chart version {revision!r}: {knowledge.name} chart versions have no 'v' prefix{known}",
                              f"use {bare!r}")
