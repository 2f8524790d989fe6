"""Collector component missing from the image's distribution at the image's release (core, k8s, contrib).

The operator runs the image from the collector resource (spec.image) or its own default (the
operator chart's manager.collectorImage, else the operator's built-in default). Each collector
release ships a fixed set of components per distribution (otelstack's data: every release's
build manifest, tools/otelstack/data/collector/components.yaml): the core distribution has no
k8sattributes, transform, tail_sampling or spanmetrics; the k8s distribution has no kafka or
zipkin exporter; the `logging` exporter is gone from every distribution since v0.111.0. The
collector then fails at start with "unknown type", after the sync already succeeded.

A `latest` (or missing) tag is checked as the collector release of the operator version in the
tree; an image tag otelstack has no data for is not checked (knowledge-not-checked says so), nor is
a snake_case name whose rename the data has no release for (`span_metrics` before the first release
known to have it, or, when contrib types are derived from module names, `kubelet_stats` for a
component the data knows as `kubeletstats`). A renamed component's old name is accepted where it
is a deprecated alias (collector-deprecated warns).

Problematic (image otel/opentelemetry-collector-contrib:0.120.0):
    exporters: {logging: {}}
Correct:
    exporters: {debug: {verbosity: detailed}}
"""

import difflib

from otelstack.validate.finding import Problem
from otelstack.validate.rules._knowledge import components_at_release
from otelstack.validate.rules.base import Context

ID = "collector-component-not-in-image"
SEVERITY = "error"
GROUP = "collector"


def check(ctx: Context):
    from otelstack.knowledge.collector import components

    data = components()
    for collector, config, image, section, name, status in components_at_release(ctx):
        if status.present or status.unknown:  # unknown: knowledge-not-checked says why
            continue
        kind = name.split("/", 1)[0]
        what = f"collector {collector.label}: {section[:-1]} {kind!r} is not in {image.label} ({image.distribution} distribution, release {image.version})"
        if image.how != "spec.image":
            what += f"; image from {image.how}"
        yield Problem(config.key_location((section, name)), what, _hint(data, section, kind, image, status))


def _hint(data, section: str, kind: str, image, status) -> str:
    parts = []
    if status.removed:
        parts.append(f"it was removed in {status.removed}")
    if status.replacement:
        parts.append(f"use {status.replacement!r} instead" + (f" ({status.note})" if status.note else ""))
    elif status.elsewhere:
        parts.append(f"it is in the {' and '.join(status.elsewhere)} distribution{'s' if len(status.elsewhere) > 1 else ''} of this release")
    elif status.since:
        parts.append(f"it first ships in {status.since}")
    if not parts:
        close = difflib.get_close_matches(kind, [n for n in data.names(section)
                                                 if data.status(section, n, image.distribution, image.version).present], n=1, cutoff=0.7)
        parts.append(f"did you mean {close[0]!r}?" if close else "no distribution otelstack knows has it")
    return "; ".join(parts)
