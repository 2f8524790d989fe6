"""Applications deploying the opentelemetry-collector chart, as collectors (model.ChartCollector):
built once the tree is loaded, for every Argo CD Helm source or helm_release of that chart whose
version is pinned, covered by otelstack's data, and whose values are known."""

from __future__ import annotations

from typing import Any

from otelstack import collectorchart
from otelstack.source import Located, Location, Unknown, is_unknown
from otelstack.validate.model import Application, AppSource, ChartCollector, KubeObject
from otelstack.validate.rules.base import chart_version


def chart_collectors(app: Application) -> list[ChartCollector]:
    return [found for source in app.sources if source.knowledge is not None and source.knowledge.name == collectorchart.CHART
            for found in [_collector(app, source)] if found is not None]


def _collector(app: Application, source: AppSource) -> ChartCollector | None:
    version, _ = chart_version(source)
    if version is None or source.values_unknown or not collectorchart.covers(version):
        return None  # the chart-version rules and knowledge-not-checked say why it is not checked
    values = source.values
    where = app.loc(*source.base, "targetRevision")
    knowledge = source.knowledge
    release = source.release_name if isinstance(source.release_name, str) and source.release_name else app.name
    mode = _value(values, "mode")
    mode = knowledge.default("mode", version) if mode is None else mode
    namespace = _value(values, "namespaceOverride") if _key_exists(knowledge, ("namespaceOverride",), version) else None
    namespace = namespace or app.destination_namespace
    config = collectorchart.effective_config(version, values, where)
    ports = collectorchart.service_ports(version, values, where)
    service = None  # no Service, or none otelstack can describe (its name or ports only known at apply time)
    if isinstance(release, str) and ports is not None and collectorchart.has_service(version, mode, values):
        service = collectorchart.service_name(release, values)
    view = Located({"kind": "OpenTelemetryCollector (opentelemetry-collector chart)",
                    "metadata": {"name": release, "namespace": namespace},
                    "spec": {"mode": mode, "image": _image(knowledge, version, values)}}, app.file.path)
    view.locations.update({(): app.loc(), ("metadata", "name"): app.loc("metadata", "name"), ("spec",): where,
                           ("spec", "mode"): _where(values, ("mode",), where),
                           ("spec", "image"): _where(values, ("image",), where)})
    obj = KubeObject(view, app.file, 0, [app])
    return ChartCollector(obj, config, app=app, source=source, chart_version=version, service=service, ports=ports or [],
                          defaults_at=where, chart_defined=_chart_defined(version, values))


def _chart_defined(version: str, values: Located | None) -> frozenset:
    """The components the chart's default configuration defines (none when alternateConfig replaces it)."""
    alternate = _value(values, "alternateConfig")
    if isinstance(alternate, dict) and alternate:
        return frozenset()
    defaults = collectorchart.at(collectorchart.facts()["config"], version)
    if not isinstance(defaults, dict):
        return frozenset()
    return frozenset((section, name) for section, components in defaults.items() if section != "service" and isinstance(components, dict)
                     for name in components)


def _value(values: Located | None, *path: str) -> Any:
    return values.get(path) if values is not None else None


def _where(values: Located | None, path: tuple, default: Location) -> Location:
    return values.location(path) if values is not None and values.get(path) is not None else default


def _key_exists(knowledge, path: tuple, version: str) -> bool:
    spec = knowledge.key(path)
    return spec is not None and knowledge.key_exists_in(spec, version) is True


def _image(knowledge, version: str, values: Located | None) -> Any:
    """`repository:tag` as the chart writes it: image.tag, else the chart's appVersion; a digest wins."""
    repository = _value(values, "image", "repository")
    repository = knowledge.default("image.repository", version) if repository is None else repository
    tag, digest = _value(values, "image", "tag"), _value(values, "image", "digest")
    if any(is_unknown(v) for v in (repository, tag, digest)):
        return Unknown("image.repository/image.tag")
    if not isinstance(repository, str) or not repository:
        return None
    if isinstance(digest, str) and digest:
        return f"{repository}@{digest}"
    return f"{repository}:{tag if isinstance(tag, str) and tag else knowledge.app_version(version)}"
