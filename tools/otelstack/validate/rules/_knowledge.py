"""Which version of each component the tree deploys, and whether otelstack has data for it.

Shared by the rules that check against versioned knowledge and by knowledge-not-checked, which
says (once per component) what could not be checked and why. Resolved once per run.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from otelstack import versions
from otelstack.source import Location, is_unknown
from otelstack.validate.model import Application, AppSource, Collector
from otelstack.validate.rules.base import Context, chart_version

LATEST = ("", "latest")


@dataclass(frozen=True)
class CollectorImage:
    """The collector image a collector resource runs, and the release whose data applies."""

    repository: str | None
    tag: str | None
    version: str | None  # the collector release the checks use (None: not checked)
    distribution: str | None
    how: str  # where the image and version come from, for messages
    unchecked: str = ""  # why components are not checked ("" when they are)
    location: Location | None = None

    @property
    def label(self) -> str:
        return f"{self.repository}:{self.tag}" if self.tag else str(self.repository)


def collector_image(ctx: Context, collector: Collector) -> CollectorImage:
    key = ("collector-image", id(collector))
    if key not in ctx._cache:
        ctx._cache[key] = _collector_image(ctx, collector)
    return ctx._cache[key]


def _collector_image(ctx: Context, collector: Collector) -> CollectorImage:
    from otelstack.knowledge.collector import components, operator_defaults

    data = components()
    own = collector.spec.get("image")
    where = collector.obj.doc.location(("spec", "image")) if own else collector.obj.doc.location(("metadata", "name"))
    field = collector.image_field
    operator = _operator_of(ctx, collector) if collector.operator_chooses_image else None
    if is_unknown(own):
        return CollectorImage(None, None, None, None, field, f"{field} is only known at apply time", where)
    if isinstance(own, str) and own.strip():
        repository, tag, digest = _split(own.strip())
        how = field
    elif not collector.operator_chooses_image:
        return CollectorImage(None, None, None, None, field, f"{field} is not set", where)
    elif operator is not None:
        repository, tag, how = _operator_image(operator)
        digest = False
        if repository is None:
            return CollectorImage(None, None, None, None, how, how, where)
    else:
        return CollectorImage(None, None, None, None, "", "no spec.image, and the operator that would choose the image is not in this tree", where)
    distribution = data.distribution_of(repository) if repository else None
    if distribution is None:
        return CollectorImage(repository, tag, None, None, how, f"{repository} is not an image of a distribution otelstack knows (core, k8s, contrib)", where)
    if digest and not tag:
        return CollectorImage(repository, tag, None, distribution, how, "the image is pinned by digest: its collector release cannot be read from the tag", where)
    if (tag or "") in LATEST:
        assumed = None
        if operator is not None:
            operator_version = _operator_version(operator)
            assumed = operator_defaults().collector_version(operator_version) if operator_version else None
        if assumed is None:
            return CollectorImage(repository, tag, None, distribution, how,
                                  f"the tag {tag or '(none)'} names no release, and no operator version in this tree says which one it would be", where)
        how = f"{how} (tag {tag or '(none)'}: assumed collector {assumed}, the default of operator {operator_version} in this tree)"
        tag_version = assumed
    else:
        tag_version = str(tag).lstrip("v")
    if not data.knows(tag_version):
        first, last = data.coverage()
        return CollectorImage(repository, tag, None, distribution, how,
                              f"no data for collector {tag_version} (otelstack's data covers {first} to {last})", where)
    return CollectorImage(repository, tag, tag_version, distribution, how, "", where)


def _split(image: str) -> tuple[str, str | None, bool]:
    name, _, digest = image.partition("@")
    last = name.rsplit("/", 1)[-1]
    if ":" in last:
        repository, tag = name.rsplit(":", 1)
        return repository, tag, bool(digest)
    return name, None, bool(digest)


def _operator_of(ctx: Context, collector: Collector) -> tuple[Application, AppSource] | None:
    """The operator application of the collector's own cluster, else of the environment it was rendered for, else any."""
    operators = ctx.chart_sources("opentelemetry-operator")
    if not operators:
        return None
    by_cluster = ctx.by_scope("operators by cluster", operators, lambda pair: {(pair[0].cluster, "")} if pair[0].cluster else set())
    by_origin = ctx.by_scope("operators by origin", operators, lambda pair: {("", pair[0].file.generated_from)})
    same = [pair for cluster, _ in sorted(collector.obj.scopes) if cluster for pair in by_cluster.get((cluster, ""), [])[:1]]
    same = same or by_origin.get(("", collector.obj.file.generated_from), [])[:1]
    return (same or operators)[0]


def _operator_version(operator: tuple[Application, AppSource]) -> str | None:
    _, source = operator
    version, _ = chart_version(source)
    return source.knowledge.app_version(version) if version else None


def _operator_image(operator: tuple[Application, AppSource]) -> tuple[str | None, str | None, str]:
    """The collector image an operator chart configures: its values, else the chart's defaults,
    else (no --collector-image flag) the operator's own default."""
    from otelstack.knowledge.collector import operator_defaults

    app, source = operator
    version, _ = chart_version(source)
    values = source.values
    repository = values.get(("manager", "collectorImage", "repository")) if values is not None else None
    tag = values.get(("manager", "collectorImage", "tag")) if values is not None else None
    if is_unknown(repository) or is_unknown(tag) or source.values_unknown:
        return None, None, f"the operator's collector image ({app.label}) is only known at apply time"
    if version is None:
        return None, None, f"the operator chart version of {app.label} is not pinned"
    knowledge = source.knowledge
    how = f"the default collector image of operator chart {version} ({app.label})"
    repository = repository or knowledge.default("manager.collectorImage.repository", version)
    tag = tag or knowledge.default("manager.collectorImage.tag", version)
    if repository and tag:
        return str(repository), str(tag), how
    operator_version = knowledge.app_version(version)
    found = operator_defaults().collector_image(operator_version) if operator_version else None
    if found is None:
        return None, None, f"no data on the default collector image of operator chart {version}"
    return found[0], found[1], f"the default collector image of operator {operator_version} ({app.label})"


def values_at(source: AppSource, *path: Any) -> Any:
    return source.values.get(path) if source.values is not None else None


def chart_sources_by_status(ctx: Context, status: str):
    """(application, source, exact chart version) of every chart source whose version has `status`
    (ChartKnowledge.version_status: known, newer, older, missing)."""
    statuses = ctx._cache.get("chart-statuses")  # several rules ask, each for one status
    if statuses is None:
        statuses = ctx._cache["chart-statuses"] = [(app, source, *chart_status(source)) for app in ctx.platform.applications
                                                   for source in app.sources]
    for app, source, version, found in statuses:
        if found == status:
            yield app, source, version


def components_at_release(ctx: Context):
    """(collector, config, image, section, component id, status) for every component of every
    collector whose image release otelstack has data for."""
    from otelstack.knowledge.collector import components
    from otelstack.validate.rules._collector import SECTIONS, configs, defined

    data = components()
    for collector, config in configs(ctx):
        image = collector_image(ctx, collector)
        if image.version is None:
            continue
        for section in SECTIONS:
            for name in defined(config, section):
                yield collector, config, image, section, name, data.status(section, name.split("/", 1)[0], image.distribution, image.version)


def chart_status(source: AppSource) -> tuple[str | None, str]:
    """(exact chart version or None, status from ChartKnowledge.version_status)."""
    if isinstance(source.target_revision, str):  # asked for every chart source by several rules: a fleet has thousands
        return _known_chart_status(source.knowledge, source.is_helm_repo, source.target_revision)
    return _chart_status(source.knowledge, source.is_helm_repo, source.target_revision)


@lru_cache(maxsize=4096)
def _known_chart_status(knowledge, is_helm_repo: bool, revision: str) -> tuple[str | None, str]:
    return _chart_status(knowledge, is_helm_repo, revision)


def _chart_status(knowledge, is_helm_repo: bool, revision: Any) -> tuple[str | None, str]:
    if not (is_helm_repo and knowledge is not None and isinstance(revision, str) and versions.is_exact(revision)):
        return None, ""
    version = revision.strip()
    if not knowledge.version_prefix:
        version = version.lstrip("v")
    return version, knowledge.version_status(version)
