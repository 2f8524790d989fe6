"""The in-cluster assertions, shared by the pytest suite (and testable with a fake cluster)."""

from __future__ import annotations

import time
from typing import Callable

from otelstack.smoke.kube import ClusterAPI
from otelstack.smoke.setup import SmokeSetup
from otelstack.smoke.spans import Verdict, check, parse_debug_output

POLL_EVERY = 5.0


def workloads(setup: SmokeSetup) -> list[tuple[str, str, str]]:
    """(kind, namespace, name) of every workload the stack runs, plus the sample app."""
    found = []
    for release in (setup.cert_manager, setup.operator, setup.beyla, *setup.backends):
        if release is not None and release.workload is not None:
            found.append((release.workload[0], release.namespace, release.workload[1]))
    found.append((setup.collector_workload[0], setup.collector_namespace, setup.collector_workload[1]))
    found.append(("deployment", setup.sample_namespace, setup.service_name))
    return found


def not_ready(api: ClusterAPI, setup: SmokeSetup) -> list[str]:
    problems = []
    for kind, namespace, name in workloads(setup):
        ready, desired = api.ready(kind, namespace, name)
        if desired == 0 or ready < desired:
            problems.append(f"{kind}/{name} in {namespace}: {ready}/{desired} ready")
    return problems


def wait_for_spans(api: ClusterAPI, setup: SmokeSetup, timeout: float, *, clock: Callable[[], float] = time.monotonic,
                   sleep: Callable[[float], None] = time.sleep) -> tuple[Verdict, float | None]:
    """Poll the collector's debug output until every expected request has a span, or the timeout.
    Returns the last verdict and the seconds until the first span of the sample service was seen."""
    started = clock()
    first_seen = None
    while True:
        spans = parse_debug_output(api.collector_logs(setup.collector_namespace, setup.collector_name))
        verdict = check(spans, setup.service_name, setup.traffic)
        if first_seen is None and any(s.service == setup.service_name for s in spans):
            first_seen = clock() - started
        if verdict.ok or clock() - started + POLL_EVERY > timeout:
            return verdict, first_seen
        sleep(POLL_EVERY)
