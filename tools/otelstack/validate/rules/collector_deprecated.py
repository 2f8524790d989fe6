"""Collector component or setting deprecated at the image's release: it still works, and will go.

A deprecated component (the `logging` exporter from v0.86.0, the `otlp`/`otlphttp` exporter names
once renamed `otlp_grpc`/`otlp_http`) or setting (`loglevel` of the logging exporter) keeps
working until a later release removes it; then the collector stops with "unknown type" or "has
invalid keys" on the next image bump. Data: tools/otelstack/data/collector/.

Problematic (collector 0.100.0):
    exporters: {logging: {loglevel: debug}}
Correct:
    exporters: {debug: {verbosity: detailed}}
"""

from otelstack.source import dotted
from otelstack.validate.finding import Problem
from otelstack.validate.rules._component_config import location, setting_issues
from otelstack.validate.rules._knowledge import components_at_release
from otelstack.validate.rules.base import Context

ID = "collector-deprecated"
SEVERITY = "warning"
GROUP = "collector"


def check(ctx: Context):
    from otelstack.knowledge.collector import components

    data = components()
    for collector, config, image, section, name, status in components_at_release(ctx):
        if not (status.present and status.deprecated):
            continue
        kind = name.split("/", 1)[0]
        removed = _removed_later(data, section, kind, image.distribution, image.version)
        hint = f"use {status.replacement!r}" if status.replacement else "see the collector's changelog for its successor"
        if status.note:
            hint += f" ({status.note})"
        yield Problem(config.key_location((section, name)),
                      f"collector {collector.label}: {section[:-1]} {kind!r} is deprecated since {status.deprecated}"
                      + (f" and removed in {removed}" if removed else "") + f" (image {image.label})", hint)
    for item in setting_issues(ctx):
        if item.issue.kind == "deprecated":
            yield Problem(location(item), f"collector {item.collector.label}: {item.section[:-1]} {item.name!r} setting "
                                          f"{dotted(item.issue.path)!r} is deprecated (collector {item.release})", item.issue.hint)

def _removed_later(data, section: str, kind: str, distribution: str, version: str) -> str | None:
    """The release after `version` that removes the component from this distribution, if the data knows one."""
    from otelstack import versions

    entry = data.components.get(section, {}).get(kind) or {}
    spans = entry.get(distribution)
    spans = [spans] if isinstance(spans, dict) else spans or []
    return next((s["removed"] for s in spans if isinstance(s, dict) and s.get("removed")
                 and versions.at_least(version, s["removed"]) is False), None)
