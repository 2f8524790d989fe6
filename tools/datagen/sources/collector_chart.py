"""The OpenTelemetry Collector Helm chart (open-telemetry/opentelemetry-helm-charts, charts/opentelemetry-collector)."""

from datagen.sources import _otel_chart

VERSION = 1
REPOSITORIES = ("open-telemetry/opentelemetry-helm-charts",)
HAND = ("charts.yaml",)
MIN_VERSION = "0.75.0"  # collector 0.90 and later (the releases the component data covers)


def generate(repo):
    return _otel_chart.generate(repo, "opentelemetry-collector", MIN_VERSION)
