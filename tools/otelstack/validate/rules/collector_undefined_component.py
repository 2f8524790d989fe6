"""Pipeline or service.extensions naming a component that is not defined.

The collector refuses to start ("references receiver ... which is not configured") after the
Argo CD sync already reported success.

Problematic:
    processors: {batch: {}}
    service: {pipelines: {traces: {receivers: [otlp], processors: [batch, memory_limiter], exporters: [debug]}}}
Correct:
    processors: {batch: {}, memory_limiter: {check_interval: 1s, limit_percentage: 80}}
"""

from otelstack.validate.finding import Problem
from otelstack.validate.rules._collector import PIPELINE_KEYS, configs, defined, references
from otelstack.validate.rules.base import Context

ID = "collector-undefined-component"
SEVERITY = "error"
GROUP = "collector"


def check(ctx: Context):
    for collector, config in configs(ctx):
        for key, component, path in references(config):
            sections = PIPELINE_KEYS[key]
            if not any(component in defined(config, section) for section in sections):
                available = sorted(set().union(*(defined(config, s) for s in sections)))
                yield Problem(config.location(path), f"collector {collector.label}: pipeline {path[2]} uses {key[:-1]} {component!r}, which is not defined",
                              f"defined: {', '.join(available) or 'none'}")
        service = config.data.get("service")
        extensions = service.get("extensions") if isinstance(service, dict) else None
        if isinstance(extensions, list):
            for index, name in enumerate(extensions):
                if isinstance(name, str) and name not in defined(config, "extensions"):
                    yield Problem(config.location(("service", "extensions", index)), f"collector {collector.label}: service uses extension {name!r}, which is not defined")
