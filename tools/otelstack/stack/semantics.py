"""Checks across keys of one environment that the renderer relies on.

Everything else (collector config semantics, wiring of hand-written values, security) is
`otelstack validate`'s job; these are the few facts without which no correct output exists.
"""

from __future__ import annotations

from typing import Iterator

from otelstack import charts, versions, wiring
from otelstack.source import Location
from otelstack.stack.model import Stack

Problem = tuple[Location, str, str]


def check_semantics(stack: Stack) -> list[Problem]:
    from otelstack.stack.backends import check_backends

    return list(_export_targets(stack)) + list(_webhooks(stack)) + list(_beyla_chart(stack)) + list(check_backends(stack))


def _export_targets(stack: Stack) -> Iterator[Problem]:
    collector = stack.collector
    targets = [("beyla", stack.beyla["export"]["receiver"], stack.beyla["export"]["protocol"])]
    if stack.instrumentation.get("enabled"):
        targets.append(("instrumentation", stack.instrumentation.get("receiver", "otlp"), stack.instrumentation.get("protocol", "http")))
    for component, receiver, protocol in targets:
        try:
            wiring.otlp_endpoint(collector["name"], collector["namespace"], collector["config"], receiver, protocol)
        except LookupError:
            where = ("beyla", "export") if component == "beyla" else ("instrumentation",)
            defined = sorted((collector["config"].get("receivers") or {}))
            yield (
                stack.loc(*where),
                f"environment {stack.environment!r}: {component} exports to receiver {receiver!r} over {protocol}, "
                f"but collector {collector['name']!r} has no such receiver protocol in a pipeline",
                f"receivers defined: {', '.join(defined) or 'none'}; add `protocols: {{{protocol}: {{}}}}` to it and use it in a pipeline",
            )


def _webhooks(stack: Stack) -> Iterator[Problem]:
    if stack.operator["webhookCertificates"] == "cert-manager" and not stack.cert_manager_enabled:
        yield (
            stack.loc("operator", "webhookCertificates"),
            f"environment {stack.environment!r}: operator.webhookCertificates is cert-manager but certManager.enabled is false",
            "enable certManager in this environment, or use webhookCertificates: auto-generated",
        )


def _beyla_chart(stack: Stack) -> Iterator[Problem]:
    beyla = stack.beyla
    chart = charts.by_name("beyla")
    version = beyla["chart"]["version"]
    needs = []
    if beyla["security"] == "unprivileged":
        spec = chart.key(("privileged",))
        needs.append((("beyla", "security"), "unprivileged mode", spec.since if spec else None))
    if beyla.get("mountSecurityFs"):
        spec = chart.key(("volumes",))
        needs.append((("beyla", "mountSecurityFs"), "extra volumes (for /sys/kernel/security)", spec.rendered_since if spec else None))
    for path, feature, minimum in needs:
        if minimum and versions.at_least(version, minimum) is False:
            yield (
                stack.loc(*path),
                f"environment {stack.environment!r}: Beyla chart {version} does not support {feature}",
                f"use chart {minimum} or later (beyla.chart.version)",
            )
