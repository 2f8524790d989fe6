"""Collector component setting the component does not have at the image's release, or of the wrong type.

The collector decodes each component's settings strictly into its Config struct: an unknown key
("has invalid keys"), a mapping where a list belongs or a value outside the declared set stops the
collector at start-up, after the sync succeeded. otelstack knows the settings of the core
components (otlp receiver, otlp/otlphttp/debug exporters, batch and memory_limiter processors,
...) per collector release, from their Config structs (tools/otelstack/data/collector/config.yaml);
contrib components' settings are not catalogued.

Problematic (collector 0.113.0):
    exporters: {otlp: {endpiont: tempo:4317}}
Correct:
    exporters: {otlp: {endpoint: tempo:4317}}
"""

from otelstack.source import dotted
from otelstack.validate.finding import Problem
from otelstack.validate.rules._component_config import location, setting_issues
from otelstack.validate.rules.base import Context

ID = "collector-component-config"
SEVERITY = "error"
GROUP = "collector"


def check(ctx: Context):
    for item in setting_issues(ctx):
        issue = item.issue
        if issue.kind == "deprecated":
            continue
        who = f"collector {item.collector.label}: {item.section[:-1]} {item.name!r} (collector {item.release})"
        if issue.kind == "unknown":
            message = f"{who} has no setting {dotted(issue.path)!r}: the collector refuses to start (\"has invalid keys\")"
        elif issue.kind == "absent":
            message = f"{who} does not have the setting {issue.message}: the collector refuses to start"
        else:
            message = f"{who}: {issue.message}: the collector refuses to start"
        yield Problem(location(item), message, issue.hint)
