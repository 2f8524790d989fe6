"""Chart version not published as far as otelstack knows (a typo, or newer than its data).

Either a typo (the sync fails: no such chart version) or a chart newer than otelstack's data, in
which case values are checked for types only, not for unknown keys.

Problematic:
    chart = "beyla", target_revision = "1.4.31"
Correct:
    chart = "beyla", target_revision = "1.4.13"
"""

from otelstack import versions
from otelstack.validate.finding import Problem
from otelstack.validate.rules.base import Context

ID = "helm-chart-version-unknown"
SEVERITY = "warning"
GROUP = "helm"


def check(ctx: Context):
    for app in ctx.platform.applications:
        for source in app.sources:
            knowledge, revision = source.knowledge, source.target_revision
            if not (source.is_helm_repo and knowledge is not None and knowledge.app_versions and isinstance(revision, str)):
                continue
            if not versions.is_exact(revision) or knowledge.knows_version(revision.lstrip("v") if not knowledge.version_prefix else revision):
                continue
            latest = max(knowledge.app_versions, key=lambda v: versions.parse(v) or (0, 0, 0))
            newer = versions.at_least(revision, latest)
            why = f"newer than the latest otelstack knows ({latest}): values are checked for types only" if newer else "not a published version: the sync will fail"
            yield Problem(app.loc(*source.base, "targetRevision"), f"application {app.label}: {knowledge.title} chart {revision} is {why}",
                          f"known versions near it: {', '.join(_near(knowledge, revision))}")


def _near(knowledge, revision: str) -> list[str]:
    target = versions.parse(revision) or (0, 0, 0)
    ordered = sorted(knowledge.app_versions, key=lambda v: versions.parse(v) or (0, 0, 0))
    below = [v for v in ordered if (versions.parse(v) or (0, 0, 0)) <= target][-2:]
    above = [v for v in ordered if (versions.parse(v) or (0, 0, 0)) > target][:1]
    return below + above
