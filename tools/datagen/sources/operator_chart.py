"""The OpenTelemetry Operator Helm chart (open-telemetry/opentelemetry-helm-charts, charts/opentelemetry-operator)."""

from datagen.sources import _otel_chart

VERSION = 1
REPOSITORIES = ("open-telemetry/opentelemetry-helm-charts",)
HAND = ("charts.yaml",)
MIN_VERSION = "0.56.0"  # the first chart with operator 0.98 (v1beta1 collectors follow in 0.58)


def generate(repo):
    return _otel_chart.generate(repo, "opentelemetry-operator", MIN_VERSION)
