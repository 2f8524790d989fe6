"""Chart version that was never published: between versions otelstack knows, and not one of them.

otelstack knows every published version of the charts it catalogues, from the first version its
data covers to the newest (tools/otelstack/data/charts/, regenerated from the charts' release
tags). A version inside that range that is not among them does not exist: Argo CD cannot fetch
the chart and the sync fails. (A version newer than the data is helm-chart-version-newer's; one
older than the data covers is knowledge-not-checked's.)

Problematic:
    chart = "beyla", target_revision = "1.4.31"
Correct:
    chart = "beyla", target_revision = "1.4.13"
"""

from otelstack import versions
from otelstack.validate.finding import Problem
from otelstack.validate.rules._knowledge import chart_sources_by_status
from otelstack.validate.rules.base import Context

ID = "helm-chart-version-unknown"
SEVERITY = "error"
GROUP = "helm"


def check(ctx: Context):
    for app, source, version in chart_sources_by_status(ctx, "missing"):
        knowledge = source.knowledge
        yield Problem(app.loc(*source.base, "targetRevision"),
                      f"application {app.label}: {knowledge.title} chart {version} was never published: the sync will fail",
                      f"published versions near it: {', '.join(near(knowledge, version))}")


def near(knowledge, revision: str) -> list[str]:
    target = versions.parse(revision) or (0, 0, 0)
    ordered = sorted(knowledge.app_versions, key=lambda v: versions.parse(v) or (0, 0, 0))
    below = [v for v in ordered if (versions.parse(v) or (0, 0, 0)) <= target][-2:]
    above = [v for v in ordered if (versions.parse(v) or (0, 0, 0)) > target][:1]
    return below + above
