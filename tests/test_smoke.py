"""otelstack smoke without Docker: the orchestration against a recorded command runner and a fake
cluster, the span parser on realistic collector output, preflight on this machine."""

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from helpers import run_cli
from otelstack.external import RecordedRunner, Result
from otelstack.smoke import checks
from otelstack.smoke.preflight import Host
from otelstack.smoke.run import SmokeFailed, SmokeRun, _pending_applications
from otelstack.smoke.setup import prepare
from otelstack.smoke.spans import Expected, check, parse_debug_output
from otelstack.stack import load_stack

DATA = Path(__file__).parent / "data"


class FakeHost(Host):
    def __init__(self, btf: bool = True, kernel: str = "6.8.0-45-generic") -> None:
        self.btf, self.kernel = btf, kernel

    def exists(self, path: str) -> bool:
        return self.btf

    def kernel_release(self) -> str:
        return self.kernel

    def system(self) -> str:
        return "Linux"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def healthy_runner(results: Path) -> RecordedRunner:
    runner = RecordedRunner()
    for tool, out in (("docker", "28.2.2"), ("kind", "kind v0.27.0 go1.23 linux/amd64"), ("helm", "v3.16.2+g13654a5"),
                      ("kubectl", json.dumps({"clientVersion": {"gitVersion": "v1.32.4"}}))):
        runner.script[(tool,)] = Result((tool,), 0, out)
    runner.on("docker", "info", stdout="28.2.2\n")

    def suite(argv):
        (results / "spans.json").write_text(json.dumps({"ok": True, "first_span_seconds": 12.5, "missing": [],
                                                        "summary": "ok   GET /items/{id} -> 200: 20 span(s)"}))
        return Result(argv, 0, "3 passed")

    runner.script[("python",)] = suite
    kubectl = ("kubectl", "--kubeconfig", str(results / "kubeconfig"))
    runner.on(*kubectl, "--namespace", "beyla", "logs", stdout=BEYLA_ATTACHED)
    runner.on(*kubectl, "--namespace", "demo", "get", "job/sample-app-load", stdout=JOB_COMPLETE)
    return runner


# What Beyla 1.8 logs when it attaches to a process (discover.TraceAttacher), and a finished Job.
BEYLA_ATTACHED = ('time=2026-12-01T10:00:01Z level=INFO msg="instrumenting process" component=discover.TraceAttacher '
                  "cmd=/usr/local/bin/python3.12 pid=4242\n")
JOB_COMPLETE = json.dumps({"status": {"succeeded": 1, "conditions": [{"type": "Complete", "status": "True"}]}})
JOB_FAILED = json.dumps({"status": {"failed": 3, "conditions": [
    {"type": "Failed", "status": "True", "reason": "BackoffLimitExceeded", "message": "Job has reached the specified backoff limit"}]}})


def _tool_paths(monkeypatch, tmp_path):
    """Preflight looks tools up on PATH: give it stand-ins (the recorded runner answers for them)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("docker", "kind", "kubectl", "helm", "terraform", "git"):
        path = bin_dir / tool
        path.write_text("#!/bin/sh\nexit 0\n")
        path.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))


@pytest.fixture
def smoke(repo_root: Path, tmp_path: Path, monkeypatch):
    _tool_paths(monkeypatch, tmp_path)
    stack_file = load_stack(repo_root / "otelstack.yaml", "otelstack.yaml")
    results = tmp_path / "results"

    def make(runner=None, **kwargs):
        setup = prepare(stack_file, "kind", results, cluster_name="otelstack-smoke-test")
        clock = FakeClock()
        lines: list[str] = []
        run = SmokeRun(setup, runner or healthy_runner(results), FakeHost(), clock=clock, sleep=clock.sleep,
                       python="python", out=lines.append, **kwargs)
        return run, clock, lines

    return make


def test_successful_run_order_and_reports(smoke, tmp_path):
    run, clock, lines = smoke(junit_path=tmp_path / "junit.xml")
    result = run.execute()
    assert result.ok and result.first_span_seconds == 12.5
    order = run.runner.commands()
    create = next(i for i, c in enumerate(order) if "kind create cluster" in c)
    operator = next(i for i, c in enumerate(order) if "upgrade --install opentelemetry-operator" in c)
    crds = next(i for i, c in enumerate(order) if "condition=established" in c)
    collector = next(i for i, c in enumerate(order) if " apply --filename " in c)
    collector_ready = next(i for i, c in enumerate(order) if "deployment/otel-collector-collector" in c)
    beyla = next(i for i, c in enumerate(order) if "upgrade --install beyla" in c)
    sample = next(i for i, c in enumerate(order) if "upgrade --install sample-app" in c and "load.enabled=false" in c)
    attached = next(i for i, c in enumerate(order) if "logs daemonset/beyla" in c)
    start_load = next(i for i, c in enumerate(order) if "upgrade --install sample-app" in c and "load.enabled=true" in c)
    load = next(i for i, c in enumerate(order) if "job/sample-app-load" in c)
    suite = next(i for i, c in enumerate(order) if " -m pytest " in c)
    delete = next(i for i, c in enumerate(order) if "kind delete cluster --name otelstack-smoke-test" in c)
    assert create < operator < crds < collector < collector_ready < beyla < sample < attached < start_load < load < suite < delete == len(order) - 1
    # the values installed are the rendered ones
    values = Path(next(c for c in order if "upgrade --install beyla" in c).split("--values ")[1])
    assert values.read_text() == (Path(__file__).parent.parent / "terraform/environments/kind/values/beyla.yaml").read_text()
    report = json.loads((run.setup.results / "report.json").read_text())
    assert report["ok"] and [p["name"] for p in report["phases"]] == ["preflight", "cluster", "operator", "collector", "beyla", "workload", "spans", "teardown"]
    assert all(p["status"] == "passed" for p in report["phases"])
    suite_xml = ET.parse(tmp_path / "junit.xml").getroot().find("testsuite")
    assert suite_xml.get("failures") == "0" and [c.get("name") for c in suite_xml.findall("testcase")][0] == "preflight"
    assert any("first span after 12.5s" in line for line in lines)


def test_failure_collects_diagnostics_and_tears_down(smoke, tmp_path):
    results = tmp_path / "results"
    runner = healthy_runner(results)
    runner.on("helm", "upgrade", "--install", "beyla", stderr="Error: INSTALLATION FAILED: context deadline exceeded", returncode=1)
    runner.on("kubectl", "--kubeconfig", str(results / "kubeconfig"), "--namespace", "beyla", "get", "pods", "--output", "name", stdout="pod/beyla-x1\n")
    run, _, _ = smoke(runner, junit_path=tmp_path / "junit.xml")
    with pytest.raises(SmokeFailed) as caught:
        run.execute()
    assert "failed in phase beyla" in caught.value.message and "context deadline exceeded" in caught.value.message
    commands = runner.commands()
    assert commands[-1] == "kind delete cluster --name otelstack-smoke-test"
    diagnostics = results / "diagnostics"
    assert sorted(p.name for p in diagnostics.iterdir()) == ["beyla", "demo", "opentelemetry-operator-system", "otel"]
    assert (diagnostics / "beyla" / "beyla-x1.log").exists() and (diagnostics / "otel" / "events.txt").exists()
    assert any("logs pod/beyla-x1 --all-containers" in c for c in commands)
    testcases = {c.get("name"): c for c in ET.parse(tmp_path / "junit.xml").getroot().iter("testcase")}
    assert testcases["beyla"].find("failure") is not None and testcases["workload"].find("skipped") is not None
    assert not any("upgrade --install sample-app" in c for c in commands), "nothing runs after the failure"


def test_interrupt_tears_down_without_diagnostics(smoke, tmp_path):
    results = tmp_path / "results"
    runner = healthy_runner(results)

    def interrupted(argv):
        raise KeyboardInterrupt

    runner.script[("helm", "upgrade", "--install", "sample-app")] = interrupted
    run, _, _ = smoke(runner)
    with pytest.raises(KeyboardInterrupt):
        run.execute()
    assert runner.commands()[-1] == "kind delete cluster --name otelstack-smoke-test"
    assert not (results / "diagnostics").exists()
    assert json.loads((results / "report.json").read_text())["interrupted"] is True


def test_keep_leaves_the_cluster(smoke):
    run, _, lines = smoke(keep=True)
    result = run.execute()
    assert result.kept and not any("kind delete" in c for c in run.runner.commands())
    assert any("kind delete cluster --name otelstack-smoke-test" in line for line in lines)


def test_waits_are_retried_until_the_deadline(smoke, tmp_path):
    results = tmp_path / "results"
    runner = healthy_runner(results)
    attempts = {"n": 0}

    def webhook_not_ready(argv):
        attempts["n"] += 1
        return Result(argv, 1 if attempts["n"] < 3 else 0, "", "failed calling webhook" if attempts["n"] < 3 else "")

    runner.script[("kubectl", "--kubeconfig", str(results / "kubeconfig"), "apply")] = webhook_not_ready
    run, clock, _ = smoke(runner)
    assert run.execute().ok
    assert attempts["n"] == 3 and clock.slept.count(5.0) == 2


def test_timeout(smoke, tmp_path):
    results = tmp_path / "results"
    runner = healthy_runner(results)
    runner.script[("kubectl", "--kubeconfig", str(results / "kubeconfig"), "apply")] = Result((), 1, "", "failed calling webhook")
    run, clock, _ = smoke(runner, timeout=60)
    with pytest.raises(SmokeFailed) as caught:
        run.execute()
    assert "failed in phase collector" in caught.value.message
    assert clock.now - 1000 <= 60 and runner.commands()[-1].startswith("kind delete cluster")


def test_missing_spans_are_reported(smoke, tmp_path):
    results = tmp_path / "results"
    runner = healthy_runner(results)

    def suite(argv):
        (results / "spans.json").write_text(json.dumps({"ok": False, "first_span_seconds": None, "missing": ["POST /items -> 201"],
                                                        "summary": "MISS POST /items -> 201: 0 span(s)\nseen server spans: none"}))
        return Result(argv, 1, "1 failed, 2 passed")

    runner.script[("python",)] = suite
    run, _, _ = smoke(runner)
    with pytest.raises(SmokeFailed) as caught:
        run.execute()
    assert "MISS POST /items -> 201" in caught.value.message and "seen server spans: none" in caught.value.message


def test_preflight_names_each_missing_thing(smoke, tmp_path):
    results = tmp_path / "results"
    runner = healthy_runner(results)
    runner.on("docker", "info", stdout="", stderr="Cannot connect to the Docker daemon", returncode=1)
    runner.script[("kind",)] = Result(("kind",), 0, "kind v0.20.0 go1.20 linux/amd64")
    run, _, _ = smoke(runner)
    run.host = FakeHost(btf=False, kernel="5.4.0-100-generic")
    with pytest.raises(SmokeFailed) as caught:
        run.execute()
    message = caught.value.message
    assert "Docker engine is not reachable" in message and "kind 0.20.0 is too old" in message
    assert "no BTF" in message and "kernel 5.4.0-100-generic is older than 5.8.0" in message
    assert not any("kind create" in c for c in runner.commands()), "nothing is created when preflight fails"


def test_dry_run_prints_the_whole_plan_in_order(repo_root: Path, tmp_path):
    result = run_cli(["smoke", "--dry-run", "--results", str(tmp_path / "r")], cwd=repo_root)
    assert result.code == 0
    text = result.out
    markers = ["[preflight]", "kind create cluster", "upgrade --install opentelemetry-operator", "condition=established",
               "apply --filename", "upgrade --install beyla", "daemonset/beyla", "upgrade --install sample-app",
               "job/sample-app-load", "-m pytest", "kind delete cluster"]
    positions = [text.index(marker) for marker in markers]
    assert positions == sorted(positions)
    assert not (tmp_path / "r").exists(), "a dry run touches nothing"


def test_dry_run_via_argocd(repo_root: Path, tmp_path):
    text = run_cli(["smoke", "--dry-run", "--via", "argocd", "--results", str(tmp_path / "r")], cwd=repo_root).out
    assert "environment kind-fleet" in text.splitlines()[0]  # the ApplicationSet path by default
    markers = ["kind create cluster", "upgrade --install argocd argo-cd", "port-forward the Argo CD API",
               "terraform init, plan and apply", "terraform/environments/kind-fleet", "registers this cluster as kind",
               "wait until kind-fleet-clusters, kind-opentelemetry-operator, kind-otel-collector, kind-beyla exist and are Synced and Healthy",
               "upgrade --install sample-app", "-m pytest", "--otelstack-env kind-fleet", "kind delete cluster"]
    positions = [text.index(marker) for marker in markers]
    assert positions == sorted(positions)
    direct = run_cli(["smoke", "--dry-run", "--via", "argocd", "--env", "kind", "--results", str(tmp_path / "r")], cwd=repo_root).out
    assert "environment kind," in direct and "wait until opentelemetry-operator, otel-collector, beyla exist" in direct


def test_fleet_environment_needs_an_in_cluster_member(stack_repo: Path, tmp_path):
    result = run_cli(["smoke", "--dry-run", "--via", "argocd", "--env", "fleet", "--results", str(tmp_path / "r")], cwd=stack_repo)
    assert result.code == 2
    assert "fleet environment 'fleet' needs exactly one cluster at https://kubernetes.default.svc" in result.err
    assert result.err.startswith("otelstack: otelstack.yaml:")


def test_argocd_fleet_run_applies_terraform_then_waits_for_generated_applications(repo_root: Path, tmp_path, monkeypatch):
    _tool_paths(monkeypatch, tmp_path)
    results = tmp_path / "results"
    setup = prepare(load_stack(repo_root / "otelstack.yaml", "otelstack.yaml"), "kind-fleet", results, cluster_name="otelstack-smoke-test")
    # the installed values are this cluster's rendered ones
    assert (results / "values/beyla.yaml").read_text() == (repo_root / "terraform/environments/kind-fleet/values/kind/beyla.yaml").read_text()
    assert (results / "manifests/collector.yaml").read_text() == (repo_root / "manifests/rendered/kind-fleet/kind/collector.yaml").read_text()
    runner = healthy_runner(results)
    runner.on("terraform", "version", "-json", stdout=json.dumps({"terraform_version": "1.11.4"}))
    runner.on("kubectl", "--kubeconfig", str(setup.kubeconfig), "--namespace", "argocd", "get", "secret", stdout="c2VjcmV0")
    healthy = {"sync": {"status": "Synced"}, "health": {"status": "Healthy"}}
    listings = iter([
        {"items": []},  # the ApplicationSets have not generated anything yet
        {"items": [{"metadata": {"name": "kind-opentelemetry-operator"}, "status": healthy}]},
        {"items": [{"metadata": {"name": name}, "status": healthy} for name in setup.applications]},
    ])
    runner.script[("kubectl", "--kubeconfig", str(setup.kubeconfig), "--namespace", "argocd", "get", "applications.argoproj.io")] = \
        lambda argv: Result(argv, 0, json.dumps(next(listings)))
    clock = FakeClock()
    run = SmokeRun(setup, runner, FakeHost(), via="argocd", clock=clock, sleep=clock.sleep, python="python", out=[].append)
    assert run.execute().ok
    order = runner.commands()
    terraform = [c for c in order if ("/terraform " in c or c.startswith("terraform ")) and " version" not in c]
    assert [c.split()[1] for c in terraform] == ["init", "plan", "apply"]
    assert any(env.get("ARGOCD_AUTH_PASSWORD") == "secret" for env in runner.envs)
    listing_calls = [i for i, c in enumerate(order) if "get applications.argoproj.io" in c]
    sample = next(i for i, c in enumerate(order) if "upgrade --install sample-app" in c)
    assert len(listing_calls) == 3 and listing_calls[-1] < sample
    assert order.index(terraform[0]) < listing_calls[0]
    assert not any("upgrade --install beyla" in c for c in order), "Argo CD installs the stack, not helm"


def test_without_docker_smoke_stops_at_preflight_naming_docker(repo_root: Path, tmp_path, monkeypatch):
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
    result = run_cli(["smoke", "--results", str(tmp_path / "r"), "--timeout", "60"], cwd=repo_root)
    assert result.code == 1
    assert "failed in phase preflight" in result.err and "Docker" in result.err
    assert "Traceback" not in result.err


def test_argocd_application_status():
    listing = {"items": [
        {"metadata": {"name": "beyla"}, "status": {"sync": {"status": "Synced"}, "health": {"status": "Healthy"}}},
        {"metadata": {"name": "otel-collector"}, "status": {"sync": {"status": "OutOfSync"}, "health": {"status": "Missing"}}},
    ]}
    assert _pending_applications(json.dumps(listing), ["beyla", "otel-collector"]) == ["otel-collector (OutOfSync/Missing)"]
    assert _pending_applications(json.dumps(listing), ["beyla", "kind-beyla"]) == ["otel-collector (OutOfSync/Missing)", "kind-beyla (not created yet)"]
    assert _pending_applications('{"items": []}', []) == ["(no applications yet)"]
    assert _pending_applications('{"items": []}', ["beyla"]) == ["beyla (not created yet)"]


# The span parser and the in-cluster checks -------------------------------------------------------

def test_parser_reads_detailed_debug_output():
    spans = parse_debug_output((DATA / "collector-debug.log").read_text())
    assert [(s.service, s.kind, s.name) for s in spans] == [
        ("sample-app", "Server", "GET /items/{id}"), ("sample-app", "Server", "POST /items"),
        ("kube-dns", "Server", "GET /metrics"), ("sample-app", "Server", "GET /error"), ("sample-app", "Client", "GET"),
    ]
    error = spans[3]
    assert error.status_code == "Error" and error.attributes["http.response.status_code"] == 500
    assert error.attributes["error.detail"].startswith("Traceback (most recent call last):\n  File")
    assert error.attributes["error.detail"].endswith("RuntimeError: deliberate")
    assert error.resource["build"] == {"commit": "abc", "dirty": False} and error.resource["host.tags"] == ["a", "b"]
    assert error.attributes["empty"] is None and error.attributes["payload"] == "aGVsbG8="
    assert spans[0].attributes["beyla.ratio"] == 0.5 and spans[0].attributes["beyla.sampled"] is True
    assert "exception.message" not in spans[1].attributes  # an event's attribute, not the span's
    assert spans[4].parent_id == "b7ad6b7169203331"


def test_check_matches_and_reports_missing():
    spans = parse_debug_output((DATA / "collector-debug.log").read_text())
    verdict = check(spans, "sample-app", [Expected("GET", "/items/{id}", 200), Expected("DELETE", "/items/{id}", 204)])
    assert not verdict.ok and verdict.missing == [Expected("DELETE", "/items/{id}", 204)]
    assert "MISS DELETE /items/{id} -> 204" in verdict.describe() and "kube-dns: GET /metrics 200 x1" in verdict.describe()
    nothing = check([], "sample-app", [Expected("GET", "/items/{id}", 200)])
    assert nothing.describe().endswith("seen server spans: none")


class FakeCluster:
    def __init__(self, logs: list[str]) -> None:
        self.logs = logs
        self.reads = 0

    def ready(self, kind, namespace, name):
        return (0, 1) if name == "beyla" else (1, 1)

    def job_succeeded(self, namespace, name):
        return True

    def collector_logs(self, namespace, name):
        self.reads += 1
        return self.logs[min(self.reads, len(self.logs)) - 1]


def test_wait_for_spans_polls_until_all_arrive(repo_root: Path, tmp_path):
    setup = prepare(load_stack(repo_root / "otelstack.yaml"), "kind", tmp_path, write=False)
    full = (DATA / "collector-debug.log").read_text()
    partial = full.split("2026-11-25T10:15:07.500Z")[0]  # the first batch: no /error span yet
    api = FakeCluster(["Everything is ready.\n", partial, full])
    clock = FakeClock()
    verdict, first = checks.wait_for_spans(api, setup, 120, clock=clock, sleep=clock.sleep)
    assert verdict.ok and api.reads == 3 and first == 5.0
    assert checks.not_ready(api, setup) == ["daemonset/beyla in beyla: 0/1 ready"]


def test_wait_for_spans_gives_up_at_the_timeout(repo_root: Path, tmp_path):
    setup = prepare(load_stack(repo_root / "otelstack.yaml"), "kind", tmp_path, write=False)
    clock = FakeClock()
    verdict, first = checks.wait_for_spans(FakeCluster(["nothing\n"]), setup, 30, clock=clock, sleep=clock.sleep)
    assert not verdict.ok and first is None and clock.now - 1000 <= 30


def test_suite_is_skipped_without_a_cluster(repo_root: Path):
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "pytest", "tests/smoke", "-q", "-p", "no:cacheprovider"], cwd=repo_root,
                            capture_output=True, text=True, env={k: v for k, v in __import__("os").environ.items() if k != "KUBECONFIG"})
    assert "3 skipped" in result.stdout


# Teardown under interruption ----------------------------------------------------------------------


def _interrupt_at(runner: RecordedRunner, prefix: tuple, exception: type[BaseException]):
    def raise_it(argv):
        raise exception()

    runner.script[prefix] = raise_it


INTERRUPTIONS = [
    ("cluster", ("kind", "create", "cluster")),
    ("operator", ("helm", "upgrade", "--install", "opentelemetry-operator")),
    ("collector", ("kubectl", "--kubeconfig", "KUBECONFIG", "apply")),
    ("beyla", ("helm", "upgrade", "--install", "beyla")),
    ("workload", ("helm", "upgrade", "--install", "sample-app")),
    ("spans", ("python",)),
]


@pytest.mark.parametrize("phase,prefix", INTERRUPTIONS, ids=[p for p, _ in INTERRUPTIONS])
@pytest.mark.parametrize("signal_name", ["ctrl-c", "sigterm"])
def test_teardown_after_an_interruption_in_every_phase(smoke, tmp_path, phase, prefix, signal_name):
    from otelstack.smoke.run import Terminated

    results = tmp_path / "results"
    runner = healthy_runner(results)
    prefix = tuple(str(results / "kubeconfig") if part == "KUBECONFIG" else part for part in prefix)
    _interrupt_at(runner, prefix, Terminated if signal_name == "sigterm" else KeyboardInterrupt)
    run, _, _ = smoke(runner)
    with pytest.raises(KeyboardInterrupt):
        run.execute()
    assert runner.commands()[-1] == "kind delete cluster --name otelstack-smoke-test"
    report = json.loads((results / "report.json").read_text())
    assert report["interrupted"] is True
    assert report["error"] == ("terminated (SIGTERM)" if signal_name == "sigterm" else "interrupted (Ctrl-C)")
    assert next(p for p in report["phases"] if p["name"] == phase)["status"] == "failed"


def test_ctrl_c_during_cluster_creation_still_deletes_the_cluster(smoke, tmp_path):
    """kind leaves its node container behind when killed half-way: the teardown is owed from the start."""
    results = tmp_path / "results"
    runner = healthy_runner(results)
    _interrupt_at(runner, ("kind", "create", "cluster"), KeyboardInterrupt)
    run, _, _ = smoke(runner)
    with pytest.raises(KeyboardInterrupt):
        run.execute()
    commands = runner.commands()
    assert commands[-2].startswith("kind create cluster") and commands[-1] == "kind delete cluster --name otelstack-smoke-test"
    assert not (results / "diagnostics").exists()


def test_a_real_sigterm_tears_down(smoke, tmp_path):
    """The process receives SIGTERM (as from a cancelled CI job) while a step runs."""
    import os
    import signal

    results = tmp_path / "results"
    runner = healthy_runner(results)

    def terminate(argv):
        os.kill(os.getpid(), signal.SIGTERM)
        return Result(argv, 0)

    runner.script[("helm", "upgrade", "--install", "beyla")] = terminate
    before = signal.getsignal(signal.SIGTERM)
    run, _, _ = smoke(runner)
    with pytest.raises(KeyboardInterrupt):
        run.execute()
    assert runner.commands()[-1] == "kind delete cluster --name otelstack-smoke-test"
    assert json.loads((results / "report.json").read_text())["error"] == "terminated (SIGTERM)"
    assert signal.getsignal(signal.SIGTERM) is before, "the handler is restored after the run"


def test_a_diagnostics_timeout_does_not_skip_the_teardown(smoke, tmp_path):
    from otelstack.external import CommandFailed

    results = tmp_path / "results"
    runner = healthy_runner(results)
    runner.on("helm", "upgrade", "--install", "beyla", stderr="Error: INSTALLATION FAILED", returncode=1)

    def hung_api_server(argv):
        # what ProcessRunner raises when a command outlives its timeout, check=False or not
        raise CommandFailed(Result(argv, 124, "", "timed out after 60s"))

    runner.script[("kubectl", "--kubeconfig", str(results / "kubeconfig"), "--namespace", "otel", "describe")] = hung_api_server
    runner.on("kubectl", "--kubeconfig", str(results / "kubeconfig"), "--namespace", "beyla", "get", "pods", "--output", "name", stdout="pod/beyla-x1\n")
    run, _, _ = smoke(runner)
    with pytest.raises(SmokeFailed):
        run.execute()
    assert runner.commands()[-1] == "kind delete cluster --name otelstack-smoke-test"
    describe = (results / "diagnostics" / "otel" / "describe-pods.txt").read_text()
    assert describe.startswith("# not collected:") and "timed out after 60s" in describe
    assert (results / "diagnostics" / "beyla" / "beyla-x1.log").exists(), "the other diagnostics are still collected"


def test_load_waits_for_beyla_to_attach(smoke, tmp_path):
    results = tmp_path / "results"
    runner = healthy_runner(results)
    answers = iter(["level=INFO msg=\"Starting Beyla\"\n", "level=INFO msg=\"Starting Beyla\"\n", BEYLA_ATTACHED])
    runner.script[("kubectl", "--kubeconfig", str(results / "kubeconfig"), "--namespace", "beyla", "logs")] = (
        lambda argv: Result(argv, 0, next(answers)))
    run, clock, _ = smoke(runner)
    assert run.execute().ok
    commands = runner.commands()
    assert sum("logs daemonset/beyla" in c for c in commands) == 3
    last_log = max(i for i, c in enumerate(commands) if "logs daemonset/beyla" in c)
    assert next(i for i, c in enumerate(commands) if "load.enabled=true" in c) > last_log


def test_a_failed_load_job_fails_at_once(smoke, tmp_path):
    results = tmp_path / "results"
    runner = healthy_runner(results)
    runner.on("kubectl", "--kubeconfig", str(results / "kubeconfig"), "--namespace", "demo", "get", "job/sample-app-load", stdout=JOB_FAILED)
    run, clock, _ = smoke(runner)
    with pytest.raises(SmokeFailed) as caught:
        run.execute()
    assert "the load job failed: Job has reached the specified backoff limit" in caught.value.message
    assert clock.now - 1000 < 60, "no waiting out the deadline"
    assert runner.commands()[-1].startswith("kind delete cluster")


def test_kind_config_has_no_bidirectional_bpf_mount(repo_root):
    import yaml

    config = yaml.safe_load((repo_root / "tools/otelstack/data/smoke/kind-config.yaml").read_text())
    mounts = [m for node in config["nodes"] for m in node.get("extraMounts", [])]
    assert all(m.get("propagation") != "Bidirectional" for m in mounts)
    assert "/sys/fs/bpf" not in {m["hostPath"] for m in mounts}
