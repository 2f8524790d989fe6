"""Collector component missing from the distribution of the image in use (core, k8s, contrib).

The operator runs the image from the collector resource (spec.image) or its own default
(the operator chart's manager.collectorImage). The core distribution (otel/opentelemetry-collector)
has no k8sattributes, transform, tail_sampling or spanmetrics; the k8s distribution has no kafka
or zipkin exporter. The collector then fails at start with "unknown type".

Problematic (image otel/opentelemetry-collector:0.113.0):
    processors: {k8sattributes: {}}
Correct:
    use otel/opentelemetry-collector-k8s (or -contrib), or drop the component
"""

from otelstack import resources
from otelstack.source import is_unknown
from otelstack.validate.finding import Problem
from otelstack.validate.rules._collector import configs, defined
from otelstack.validate.rules.base import Context, chart_version

ID = "collector-component-not-in-image"
SEVERITY = "error"
GROUP = "collector"


def check(ctx: Context):
    data = resources.data_yaml("collector", "components.yaml")
    for collector, config in configs(ctx):
        image = _image(ctx, collector)
        if image is None:
            continue
        repository, tag = image
        distribution = data["images"].get(repository)
        components = data["versions"].get(tag.lstrip("v"), {}).get(distribution) if distribution else None
        if components is None:
            continue
        for section in ("receivers", "processors", "exporters", "connectors", "extensions"):
            available = set(components.get(section, []))
            for name in defined(config, section):
                kind = name.split("/", 1)[0]
                if kind not in available:
                    others = [d for d, lists in data["versions"][tag.lstrip("v")].items() if kind in lists.get(section, [])]
                    hint = f"it is in the {' and '.join(others)} distribution{'s' if len(others) > 1 else ''}" if others else "no distribution otelstack knows has it"
                    yield Problem(config.key_location((section, name)),
                                  f"collector {collector.label}: {section[:-1]} {kind!r} is not in {repository}:{tag} ({distribution} distribution)", hint)


def _image(ctx: Context, collector) -> tuple[str, str] | None:
    own = collector.spec.get("image")
    if isinstance(own, str) and own:
        return _split(own)
    operators = ctx.chart_sources("opentelemetry-operator")
    if not operators:
        return None
    # the operator of the collector's own cluster, or of the environment it was rendered for
    by_cluster = ctx.by_scope("operators by cluster", operators, lambda pair: {(pair[0].cluster, "")} if pair[0].cluster else set())
    by_origin = ctx.by_scope("operators by origin", operators, lambda pair: {("", pair[0].file.generated_from)})
    same = [pair for cluster, _ in sorted(collector.obj.scopes) if cluster for pair in by_cluster.get((cluster, ""), [])[:1]]
    same = same or by_origin.get(("", collector.obj.file.generated_from), [])[:1]
    app, source = (same or operators)[0]
    version, _ = chart_version(source)
    values = source.values
    repository = values.get(("manager", "collectorImage", "repository")) if values is not None else None
    tag = values.get(("manager", "collectorImage", "tag")) if values is not None else None
    if version is not None and not repository:
        repository = source.knowledge.default("manager.collectorImage.repository", version)
    if not tag and version is not None:
        tag = source.knowledge.app_version(version)
    if not isinstance(repository, str) or not repository or not isinstance(tag, str) or is_unknown(tag):
        return None
    return repository, tag


def _split(image: str) -> tuple[str, str] | None:
    name = image.split("@", 1)[0]
    if ":" in name.rsplit("/", 1)[-1]:
        repository, tag = name.rsplit(":", 1)
        return repository, tag
    return None
