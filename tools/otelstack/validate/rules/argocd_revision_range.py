"""Chart version range instead of an exact version: new charts roll out unreviewed.

Ranges deploy the newest matching chart at each sync: a new chart version rolls out without a
change in this repo, and `otelstack validate` cannot check values against a version it does not know.

Problematic:
    target_revision = "1.4.*"
Correct:
    target_revision = "1.4.13"
"""

from otelstack.source import is_unknown
from otelstack.validate.finding import Problem
from otelstack.validate.rules.argocd_unpinned_revision import is_range
from otelstack.validate.rules.base import Context

ID = "argocd-revision-range"
SEVERITY = "warning"
GROUP = "argocd"


def check(ctx: Context):
    for app in ctx.platform.applications:
        for source in app.sources:
            revision = source.target_revision
            if isinstance(revision, str) and not is_unknown(revision) and is_range(revision.strip()):
                yield Problem(app.loc(*source.base, "targetRevision"),
                              f"application {app.label}: chart version range {revision!r} deploys whatever is newest at sync time",
                              "pin the exact chart version; bump it in a reviewed change")
