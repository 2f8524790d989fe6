"""Collector component defined but used in no pipeline (or extension not in service.extensions).

Harmless to the collector (it ignores them), but usually a sign that a pipeline lost a
component: a receiver nobody exports through, a processor that never runs. Components the
opentelemetry-collector chart's default configuration defines are left alone, also where a values
file copied from the chart restates them: removing them from the values would not remove them. So
is a definition in a library several collectors share (Jsonnet, Helm) that another of them uses:
it is there for that one.

Problematic:
    processors: {batch: {}, memory_limiter: {...}}
    service: {pipelines: {traces: {receivers: [otlp], processors: [batch], exporters: [debug]}}}
Correct:
    service: {pipelines: {traces: {receivers: [otlp], processors: [memory_limiter, batch], exporters: [debug]}}}
"""

import json

from otelstack.validate.finding import Problem
from otelstack.validate.rules._collector import configs, defined, references
from otelstack.validate.rules.base import Context

ID = "collector-unused-component"
SEVERITY = "warning"
GROUP = "collector"


SECTIONS = ("receivers", "processors", "exporters", "connectors", "extensions")


def _used(config) -> set[str]:
    used = {component for _, component, _ in references(config)}
    service = config.data.get("service")
    extensions = service.get("extensions") if isinstance(service, dict) else None
    return used | ({e for e in extensions if isinstance(e, str)} if isinstance(extensions, list) else set())


def _same(definition) -> str:
    return json.dumps(definition, sort_keys=True, default=str)


def check(ctx: Context):
    collectors = [(collector, config, _used(config)) for collector, config in configs(ctx)]
    # a shared library's definition is located where a collector that does not use it sees it (a
    # key written once); where one uses it, the key is written twice and located at its parent
    used_anywhere = {(section, name, _same(value)) for _, config, used in collectors
                     for section in SECTIONS for name, value in defined(config, section).items() if name in used}
    for collector, config, used in collectors:
        for section in SECTIONS:
            for name, value in defined(config, section).items():
                if name in used or not collector.written((section, name)):
                    continue
                where = config.key_location((section, name))
                if where.file != collector.obj.file.path and (section, name, _same(value)) in used_anywhere:
                    continue  # defined in a library another collector built from it uses
                what = "service.extensions" if section == "extensions" else "any pipeline"
                yield Problem(where, f"collector {collector.label}: {section[:-1]} {name!r} is defined but not used in {what}")
