"""pytest plugin (entry point `pytest11`) for the in-cluster smoke suite.

Options: `--kubeconfig PATH` comes from pytest-helm-charts (also env KUBECONFIG); `--kube-config`
is accepted as an alias. Tests marked `smoke` run only against a cluster that was asked for: an
explicit --kubeconfig, or KUBECONFIG together with `-m smoke`; otherwise they are skipped (a
developer's KUBECONFIG alone never points the default test run at a real cluster)."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest

SKIP_REASON = "no cluster given: run `pytest -m smoke --kubeconfig PATH` (or `otelstack smoke`)"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("otelstack smoke")
    group.addoption("--kube-config", dest="otelstack_kube_config", help="Alias of --kubeconfig.")
    group.addoption("--otelstack-stack", help="Stack definition (default: otelstack.yaml here or in a parent directory).")
    group.addoption("--otelstack-env", default="kind", help="Environment of the stack that is deployed (default: kind).")
    group.addoption("--otelstack-report", help="Write what the span check saw and missed here (JSON).")
    group.addoption("--otelstack-timeout", type=float, default=300.0, help="Seconds to wait for spans (default 300).")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "smoke: in-cluster checks; need a cluster (--kubeconfig PATH)")
    alias = config.getoption("otelstack_kube_config", default=None)
    if alias and not getattr(config.option, "kubeconfig", None):
        config.option.kubeconfig = alias


def _cluster_given(config: pytest.Config) -> bool:
    if getattr(config.option, "kubeconfig", None):
        return True
    return bool(os.environ.get("KUBECONFIG")) and "smoke" in (config.getoption("markexpr", default="") or "")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if _cluster_given(config):
        return
    skip = pytest.mark.skip(reason=SKIP_REASON)
    for item in items:
        if "smoke" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def smoke_setup(pytestconfig: pytest.Config):
    """What is deployed, derived from the stack definition and the sample chart (nothing written)."""
    from otelstack.smoke.setup import prepare
    from otelstack.stack import find_stack_file, load_stack

    given = pytestconfig.getoption("otelstack_stack")
    path = Path(given) if given else find_stack_file()
    if path is None:
        pytest.fail("no otelstack.yaml found: pass --otelstack-stack PATH")
    stack_file = load_stack(path)
    stack_file.require_valid()
    return prepare(stack_file, pytestconfig.getoption("otelstack_env"), Path(tempfile.mkdtemp(prefix="otelstack-smoke-")), write=False)


@pytest.fixture(scope="module")
def cluster_api(kube_cluster):
    """The kubernetes client on the cluster pytest-helm-charts' kube_cluster fixture points at."""
    from otelstack.smoke.kube import KubernetesAPI

    return KubernetesAPI(kube_cluster.kube_config_path)


@pytest.fixture
def smoke_report(pytestconfig: pytest.Config):
    path = pytestconfig.getoption("otelstack_report")

    def write(data: dict) -> None:
        if path:
            Path(path).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")

    return write
