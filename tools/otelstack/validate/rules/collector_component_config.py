"""Collector component setting the component does not have at the image's release, or of the wrong type.

The collector decodes each component's settings strictly into its Config struct: an unknown key
("has invalid keys"), a mapping where a list belongs or a value outside the declared set stops the
collector at start-up, after the sync succeeded. otelstack knows the settings of the core
components (otlp receiver, otlp/otlphttp/debug exporters, batch and memory_limiter processors,
...) per collector release, from their Config structs (tools/otelstack/data/collector/config.yaml),
and of the most used contrib components, the k8sattributes processor (k8s_attributes from 0.146.0)
and the filelog receiver, over the contrib releases established (0.90 to 0.156). Other components,
or those two on another release, are not checked and knowledge-not-checked says so. A string
where a list of single values belongs is accepted: the collector splits it on commas. A stanza
operator's own settings (filelog `operators`) are not checked.

Problematic (collector 0.113.0):
    exporters: {otlp: {endpiont: tempo:4317}}
Correct:
    exporters: {otlp: {endpoint: tempo:4317}}

Problematic (collector-contrib 0.120.0):
    processors: {k8sattributes: {passthrough: "maybe", extractt: {}}}
Correct:
    processors: {k8sattributes: {passthrough: false, extract: {metadata: [k8s.pod.name]}}}
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
            message = f"{who}: the setting {issue.message}, so not in this release: the collector refuses to start"
        else:
            message = f"{who}: {issue.message}: the collector refuses to start"
        yield Problem(location(item), message, issue.hint)
