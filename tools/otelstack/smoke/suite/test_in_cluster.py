"""In-cluster checks of the deployed stack. Run by `otelstack smoke`, or against any cluster
where the stack and the sample app are installed: pytest -m smoke --kubeconfig PATH"""

import pytest

from otelstack.smoke.checks import not_ready, wait_for_spans

pytestmark = pytest.mark.smoke


def test_stack_workloads_are_ready(cluster_api, smoke_setup):
    assert not_ready(cluster_api, smoke_setup) == []


def test_load_job_completed(cluster_api, smoke_setup):
    assert cluster_api.job_succeeded(smoke_setup.sample_namespace, smoke_setup.load_job) is True


def test_spans_reach_the_collector(cluster_api, smoke_setup, smoke_report, pytestconfig):
    verdict, first_span = wait_for_spans(cluster_api, smoke_setup, pytestconfig.getoption("otelstack_timeout"))
    smoke_report({
        "ok": verdict.ok,
        "first_span_seconds": first_span,
        "matched": {str(expected): count for expected, count in verdict.matched.items()},
        "missing": [str(expected) for expected in verdict.missing],
        "seen": verdict.seen,
        "summary": verdict.describe(),
    })
    assert verdict.ok, "spans missing from the collector's output:\n" + verdict.describe()
