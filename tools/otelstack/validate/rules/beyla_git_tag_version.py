"""Git-tag source of the Beyla chart that deploys the chart's own appVersion, not the tag's Beyla.

The Beyla repository's tags are application releases, but the chart under charts/beyla at a tag
is whatever chart was there, with its own appVersion: tag v1.8.7 holds chart 1.3.0, which deploys
Beyla 1.7.0 unless image.tag is set. Use the published chart whose appVersion is the Beyla you want.

Problematic:
    repo_url = "https://github.com/grafana/beyla.git", path = "charts/beyla", target_revision = "v1.8.7"
Correct:
    repo_url = "https://grafana.github.io/helm-charts", chart = "beyla", target_revision = "1.4.13"   # Beyla 1.8.8
"""

from otelstack import versions
from otelstack.validate.finding import Problem
from otelstack.validate.rules.base import Context

ID = "beyla-git-tag-version"
SEVERITY = "error"
GROUP = "helm"


def check(ctx: Context):
    for app, source in ctx.chart_sources("beyla"):
        if source.is_helm_repo or not isinstance(source.target_revision, str):
            continue
        tag = source.target_revision.strip()
        found = source.knowledge.chart_for_git_ref(tag)
        if found is None:
            continue
        chart, app_version = found
        wanted = tag.lstrip("v")
        image_tag = source.values.get(("image", "tag")) if source.values is not None else None
        if image_tag or versions.parse(wanted) == versions.parse(app_version):
            continue
        suggestion = _published_chart_for(source.knowledge, wanted)
        hint = (f"use the published chart: repo_url = {source.knowledge.helm_repository}, chart = beyla, "
                f"target_revision = {suggestion[0]} (Beyla {suggestion[1]})") if suggestion else "set image.tag, or use the published chart"
        yield Problem(app.loc(*source.base, "targetRevision"),
                      f"application {app.label}: git tag {tag} of {source.repo_url} holds chart {chart} (appVersion {app_version}): "
                      f"this deploys Beyla {app_version}, not {wanted}", hint)


def _published_chart_for(knowledge, wanted: str) -> tuple[str, str] | None:
    target = versions.parse(wanted)
    if target is None:
        return None
    candidates = [(c, a) for c, a in knowledge.app_versions.items() if (versions.parse(a) or (0,))[:2] == target[:2]]
    if not candidates:
        return None
    # The first chart that carried exactly this Beyla, else the nearest newer patch of the same minor.
    exact = [pair for pair in candidates if versions.parse(pair[1]) == target]
    newer = [pair for pair in candidates if (versions.parse(pair[1]) or (0, 0, 0)) > target]
    pool = exact or newer or candidates
    return min(pool, key=lambda pair: (versions.parse(pair[1]) or (0, 0, 0), versions.parse(pair[0]) or (0, 0, 0)))
