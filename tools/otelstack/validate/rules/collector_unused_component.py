"""Collector component defined but used in no pipeline (or extension not in service.extensions).

Harmless to the collector (it ignores them), but usually a sign that a pipeline lost a
component: a receiver nobody exports through, a processor that never runs. Components the
opentelemetry-collector chart's default configuration defines are left alone, also where a values
file copied from the chart restates them: removing them from the values would not remove them.

Problematic:
    processors: {batch: {}, memory_limiter: {...}}
    service: {pipelines: {traces: {receivers: [otlp], processors: [batch], exporters: [debug]}}}
Correct:
    service: {pipelines: {traces: {receivers: [otlp], processors: [memory_limiter, batch], exporters: [debug]}}}
"""

from otelstack.validate.finding import Problem
from otelstack.validate.rules._collector import configs, defined, references
from otelstack.validate.rules.base import Context

ID = "collector-unused-component"
SEVERITY = "warning"
GROUP = "collector"


def check(ctx: Context):
    for collector, config in configs(ctx):
        used = {component for _, component, _ in references(config)}
        service = config.data.get("service")
        extensions = service.get("extensions") if isinstance(service, dict) else None
        used |= {e for e in extensions if isinstance(e, str)} if isinstance(extensions, list) else set()
        for section in ("receivers", "processors", "exporters", "connectors", "extensions"):
            for name in defined(config, section):
                if name not in used and collector.written((section, name)):
                    where = "service.extensions" if section == "extensions" else "any pipeline"
                    yield Problem(config.key_location((section, name)), f"collector {collector.label}: {section[:-1]} {name!r} is defined but not used in {where}")
