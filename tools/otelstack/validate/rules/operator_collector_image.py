"""Operator chart 0.56.0-0.88.6 without manager.collectorImage.repository: the install fails.

Those chart versions have no default collector image and fail the install in NOTES.txt
("'manager.collectorImage.repository' must be set"). From 0.88.7 the chart defaults to the k8s
distribution image.

Problematic (chart 0.74.0):
    values = yamlencode({ manager = { extraArgs = ["--enable-go-instrumentation=true"] } })
Correct:
    values = yamlencode({ manager = { collectorImage = { repository = "otel/opentelemetry-collector" } } })
"""

from otelstack import versions
from otelstack.source import is_unknown
from otelstack.validate.finding import Problem
from otelstack.validate.rules.base import Context, chart_version

ID = "operator-collector-image"
SEVERITY = "error"
GROUP = "helm"


def check(ctx: Context):
    for app, source in ctx.chart_sources("opentelemetry-operator"):
        version, _ = chart_version(source)
        if version is None or source.values_unknown:
            continue
        default = source.knowledge.default("manager.collectorImage.repository", version)
        if default != "":
            continue
        repository = source.values.get(("manager", "collectorImage", "repository")) if source.values is not None else None
        if is_unknown(repository) or (isinstance(repository, str) and repository.strip()):
            continue
        if not versions.at_least(version, "0.56.0"):
            continue
        yield Problem(app.loc(*source.base, "targetRevision"),
                      f"application {app.label}: operator chart {version} has no default collector image and fails to install without manager.collectorImage.repository",
                      "set manager.collectorImage.repository, e.g. otel/opentelemetry-collector-k8s or otel/opentelemetry-collector-contrib")
