"""The smoke run: an ordered list of steps (what `--dry-run` prints is what runs), executed with
one deadline, per-phase timings, diagnostics on failure, and a teardown that always happens —
also on failure and on Ctrl-C — unless `--keep`.

Every external command goes through the Runner, so tests replay the whole run without Docker.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import shlex
import signal
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import resources as importlib_resources
from pathlib import Path
from typing import Callable

from otelstack.errors import OtelstackError
from otelstack.external.runner import CommandFailed, Result, Runner
from otelstack.smoke import backends as backend_api
from otelstack.smoke import preflight
from otelstack.smoke.setup import ARGOCD_CHART, SAMPLE_RELEASE, HelmRelease, SmokeSetup, sample_chart_dir
from otelstack.smoke.spans import check as check_spans

PHASES = ("preflight", "cluster", "argocd", "backends", "operator", "collector", "beyla", "workload", "spans", "data", "teardown")
RETRY_EVERY = 5.0  # seconds between attempts of steps that wait for something to appear
ARGOCD_PORT = 18080
GRAFANA_PORT = 18081
GRAFANA_ADMIN = "admin"
DIAGNOSTICS_TIMEOUT = 60  # seconds per diagnostics command: a hung API server must not hold the teardown


class SmokeFailed(OtelstackError):
    pass


@dataclass
class Step:
    phase: str
    title: str
    command: Callable[[int], list[str]] | None = None  # argv for the seconds left
    action: Callable[[Result | None], None] | None = None  # in-process work, given the command's result
    retry: bool = False  # keep trying until it succeeds or the deadline passes
    check: bool = True  # a failing command fails the step (else the action judges the result)
    before: Callable[[], None] | None = None  # in-process work before the command starts
    # Poll: run the command until this says done (True), keep waiting (False), or raises SmokeFailed.
    until: Callable[[Result], bool] | None = None

    def describe(self, seconds: int) -> str:
        return shlex.join(self.command(seconds)) if self.command else "(otelstack)"


@dataclass
class PhaseResult:
    name: str
    status: str = "skipped"  # passed | failed | skipped
    seconds: float = 0.0
    message: str = ""


@dataclass
class SmokeResult:
    ok: bool = False
    phases: dict[str, PhaseResult] = field(default_factory=lambda: {p: PhaseResult(p) for p in PHASES})
    first_span_seconds: float | None = None
    spans: dict | None = None
    backends: dict = field(default_factory=dict)  # what Tempo, Prometheus and Grafana answered
    diagnostics: Path | None = None
    interrupted: bool = False
    kept: bool = False
    error: str = ""


class SmokeRun:
    def __init__(self, setup: SmokeSetup, runner: Runner, host: preflight.Host | None = None, *, via: str = "helm",
                 keep: bool = False, timeout: float = 900, out: Callable[[str], None] | None = None,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep,
                 python: str = sys.executable, junit_path: Path | None = None,
                 http_get: Callable[[str, dict[str, str]], tuple[int, str]] | None = None) -> None:
        self.setup = setup
        self.runner = runner
        self.host = host or preflight.Host()
        self.via = via
        self.keep = keep
        self.timeout = timeout
        self.out = out or (lambda line: print(line, file=sys.stderr, flush=True))
        self.clock = clock
        self.sleep = sleep
        self.python = python
        self.junit_path = junit_path or setup.results / "junit.xml"
        self.deadline = 0.0
        self.cluster_created = False  # a teardown is owed (the create has started)
        self.cluster_ready = False  # the cluster answers (diagnostics can be collected)
        self.background = []
        self.argocd_password = ""
        self.http_get = http_get or _http_get
        self.grafana_password = secrets.token_urlsafe(24)  # for the Secret the stack declares external

    # The plan ------------------------------------------------------------------------------------
    def kubectl(self, *args: str) -> list[str]:
        return ["kubectl", "--kubeconfig", str(self.setup.kubeconfig), *args]

    def helm_install(self, release: HelmRelease) -> Callable[[int], list[str]]:
        def argv(seconds: int) -> list[str]:
            command = ["helm", "upgrade", "--install", release.name, release.chart, "--repo", release.repository,
                       "--version", release.version, "--namespace", release.namespace, "--create-namespace",
                       "--kubeconfig", str(self.setup.kubeconfig), "--wait", "--timeout", f"{seconds}s"]
            if release.values_file is not None:
                command += ["--values", str(release.values_file)]
            return command
        return argv

    def rollout(self, namespace: str, kind: str, name: str) -> Callable[[int], list[str]]:
        return lambda seconds: self.kubectl("--namespace", namespace, "rollout", "status", f"{kind}/{name}", f"--timeout={seconds}s")

    def steps(self) -> list[Step]:
        s = self.setup
        steps = [Step("preflight", "Docker engine, kind, kubectl and helm present with supported versions; kernel >= 5.8 with BTF",
                      action=self._preflight)]
        steps.append(Step("cluster", f"create kind cluster {s.cluster_name} (node image pinned in kind-config.yaml)",
                          lambda sec: ["kind", "create", "cluster", "--name", s.cluster_name, "--config", str(s.kind_config),
                                       "--kubeconfig", str(s.kubeconfig), "--wait", f"{sec}s"],
                          before=self._creating, action=self._created))
        if self.via == "argocd":
            steps += self._argocd_steps()
        else:
            steps += self._backend_steps() + self._helm_steps()
        steps += [
            Step("workload", f"install the sample app (chart sample-app) into namespace {s.sample_namespace}, without its load job",
                 self.sample_install(load=False)),
            # Spans of requests sent before Beyla attached to the process are never seen.
            Step("workload", f"wait until Beyla ({s.beyla.workload[0]} {s.beyla.workload[1]}) reports instrumenting the sample app",
                 lambda sec: self.kubectl("--namespace", s.beyla.namespace, "logs", f"{s.beyla.workload[0]}/{s.beyla.workload[1]}",
                                          "--all-containers", "--tail=-1"),
                 until=_beyla_attached, check=False),
            Step("workload", f"start the load job {s.load_job}", self.sample_install(load=True)),
            Step("workload", f"wait for the load job {s.load_job} to complete (fails at once when the job fails)",
                 lambda sec: self.kubectl("--namespace", s.sample_namespace, "get", f"job/{s.load_job}", "--output", "json"),
                 until=_job_finished, check=False),
            Step("spans", f"run the in-cluster suite (pytest -m smoke): spans of {s.service_name} for "
                          + ", ".join(str(t) for t in s.traffic) + " reach the collector",
                 self._suite, action=self._read_spans, check=False),
        ]
        return steps + self._data_steps()

    def _backend_steps(self) -> list[Step]:
        """Tempo and Prometheus first (the collector exports to them), then Grafana (after the
        backends its datasources read), as the Argo CD tiers order them."""
        steps = []
        for release in self.setup.backends:
            if release is self.setup.grafana:
                steps += self._grafana_secret_steps("backends")
            steps += [Step("backends", f"install the {release.chart} chart {release.version} with the rendered values", self.helm_install(release)),
                      Step("backends", f"wait for {release.workload[0]} {release.workload[1]}", self.rollout(release.namespace, *release.workload))]
        return steps

    def _grafana_secret_steps(self, phase: str) -> list[Step]:
        """The admin Secret the stack declares external, with a password made for this run (read from
        a private file, so it appears in no command line and no log)."""
        s = self.setup
        if s.grafana is None:
            return []
        namespace = s.grafana.namespace
        return [Step(phase, f"create namespace {namespace}", lambda sec: self.kubectl("create", "namespace", namespace), check=False),
                Step(phase, f"create Grafana's admin Secret {s.grafana_admin_secret} (declared external by the stack)",
                     action=self._create_grafana_secret)]

    def _data_steps(self) -> list[Step]:
        s = self.setup
        steps = []
        if "tempo" in s.services:
            steps.append(Step("data", f"find the traces of {s.service_name} in Tempo: GET {backend_api.tempo_search(s.services['tempo'], s.service_name)}"
                                      " through the API server, then each trace by id", action=self._check_tempo))
        if "prometheus" in s.services:
            query = backend_api.prometheus_query(s.services["prometheus"], backend_api.prometheus_promql(s.service_name))
            steps.append(Step("data", f"find Beyla's HTTP server metrics of {s.service_name} in Prometheus: GET {query} through the API server",
                              action=self._check_prometheus))
        if "grafana" in s.services:
            steps += [
                Step("data", "Grafana's health endpoint answers with its database ok",
                     lambda sec: self.kubectl("get", "--raw", backend_api.grafana_health(s.services["grafana"])),
                     until=self._grafana_healthy, check=False),
                Step("data", f"port-forward Grafana to localhost:{GRAFANA_PORT}", action=self._grafana_port_forward),
                Step("data", "Grafana lists the provisioned datasources: " + ", ".join(f"{d['name']} ({d['url']})" for d in s.datasources),
                     action=self._check_grafana_datasources),
            ]
        return steps

    def sample_install(self, load: bool) -> Callable[[int], list[str]]:
        s = self.setup
        return lambda sec: ["helm", "upgrade", "--install", SAMPLE_RELEASE, str(sample_chart_dir()), "--namespace", s.sample_namespace,
                            "--create-namespace", "--set", f"load.enabled={'true' if load else 'false'}",
                            "--kubeconfig", str(s.kubeconfig), "--wait", "--timeout", f"{sec}s"]

    def _helm_steps(self) -> list[Step]:
        s = self.setup
        steps = []
        if s.cert_manager is not None:
            steps += [Step("operator", f"install cert-manager {s.cert_manager.version} (the operator's webhook certificates)", self.helm_install(s.cert_manager)),
                      Step("operator", "wait for the cert-manager webhook", self.rollout(s.cert_manager.namespace, *s.cert_manager.workload))]
        op = s.operator
        steps += [
            Step("operator", f"install the OpenTelemetry Operator chart {op.version} with the rendered values", self.helm_install(op)),
            Step("operator", "wait for the operator's CRDs to be established",
                 lambda sec: self.kubectl("wait", "--for=condition=established", "crd/opentelemetrycollectors.opentelemetry.io",
                                          "crd/instrumentations.opentelemetry.io", f"--timeout={sec}s")),
            Step("operator", f"wait for deployment {op.workload[1]}", self.rollout(op.namespace, *op.workload)),
            Step("collector", f"apply the rendered collector manifests ({s.collector_name} in {s.collector_namespace})",
                 lambda sec: self.kubectl("apply", "--filename", str(s.manifests_dir)), retry=True),
            Step("collector", f"wait for {s.collector_workload[0]} {s.collector_workload[1]}",
                 self.rollout(s.collector_namespace, *s.collector_workload), retry=True),
            Step("beyla", f"install the Beyla chart {s.beyla.version} with the rendered values", self.helm_install(s.beyla)),
            Step("beyla", f"wait for daemonset {s.beyla.workload[1]}", self.rollout(s.beyla.namespace, *s.beyla.workload)),
        ]
        return steps

    def _argocd_steps(self) -> list[Step]:
        s = self.setup
        argocd = HelmRelease("argocd", ARGOCD_CHART["namespace"], ARGOCD_CHART["repository"], ARGOCD_CHART["name"], ARGOCD_CHART["version"])
        return [
            Step("argocd", f"install Argo CD (chart {argocd.chart} {argocd.version})", self.helm_install(argocd)),
            Step("argocd", "wait for argocd-server", self.rollout(argocd.namespace, "deployment", "argocd-server")),
            Step("argocd", f"port-forward the Argo CD API to localhost:{ARGOCD_PORT}", action=self._port_forward),
            Step("argocd", "read the initial admin password",
                 lambda sec: self.kubectl("--namespace", argocd.namespace, "get", "secret", "argocd-initial-admin-secret",
                                          "--output", "jsonpath={.data.password}"), action=self._password),
            *self._grafana_secret_steps("argocd"),
            Step("operator", f"terraform init, plan and apply {s.environment_root} against this Argo CD"
                 + (f" (registers this cluster as {s.stack.cluster} with its labels through a synced cluster Secret; one ApplicationSet per component)"
                    if s.stack.cluster else ""),
                 action=self._terraform),
            Step("collector", f"wait until {', '.join(s.applications)} exist and are Synced and Healthy", action=self._wait_applications),
        ]

    def _suite(self, seconds: int) -> list[str]:
        s = self.setup
        suite = Path(str(importlib_resources.files("otelstack") / "smoke" / "suite"))
        return [self.python, "-m", "pytest", str(suite), "-m", "smoke", "-q", "-p", "no:cacheprovider", "--rootdir", str(suite),
                "--kubeconfig", str(s.kubeconfig), "--otelstack-stack", str(s.stack_file), "--otelstack-env", s.stack.environment,
                "--otelstack-report", str(s.results / "spans.json"), "--otelstack-timeout", str(seconds),
                "--junitxml", str(s.results / "suite-junit.xml")]

    # Dry run -------------------------------------------------------------------------------------
    def plan_text(self) -> str:
        lines = [f"otelstack smoke --via {self.via}: environment {self.setup.stack.environment}, cluster {self.setup.cluster_name}, "
                 f"timeout {int(self.timeout)}s, results in {self.setup.results}"]
        number = 0
        for step in self.steps():
            number += 1
            lines.append(f"{number:2}. [{step.phase}] {step.title}")
            if step.command:
                lines.append(f"      $ {step.describe(int(self.timeout))}")
        number += 1
        if self.keep:
            lines.append(f"{number:2}. [teardown] keep the cluster (--keep); delete it later with: kind delete cluster --name {self.setup.cluster_name}")
        else:
            lines.append(f"{number:2}. [teardown] delete the cluster, also on failure, on Ctrl-C and on SIGTERM")
            lines.append(f"      $ kind delete cluster --name {self.setup.cluster_name}")
        lines.append("    on failure: events, pod descriptions and logs of namespaces "
                     f"{', '.join(self.setup.namespaces)} into {self.setup.results / 'diagnostics'}")
        return "\n".join(lines) + "\n"

    # Execution -----------------------------------------------------------------------------------
    def remaining(self) -> int:
        return max(int(self.deadline - self.clock()), 1)

    def execute(self) -> SmokeResult:
        result = SmokeResult()
        self.result = result
        self.deadline = self.clock() + self.timeout
        self.setup.results.mkdir(parents=True, exist_ok=True)
        failed_phase = ""
        current = ""
        started = self.clock()
        restore = _terminate_on_sigterm()
        try:
            try:
                for step in self.steps():
                    if step.phase != current:
                        if current:
                            self._close(result, current, started, "passed")
                        current, started = step.phase, self.clock()
                        self.out(f"smoke: [{current}]")
                    self._run_step(step)
                self._close(result, current, started, "passed")
                current = ""
                result.ok = True
            except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM (a cancelled CI job)
                result.interrupted = True
                result.error = "terminated (SIGTERM)" if isinstance(exc, Terminated) else "interrupted (Ctrl-C)"
                failed_phase = current
                if current:
                    self._close(result, current, started, "failed", result.error)
            except (OtelstackError, CommandFailed) as exc:
                failed_phase = current
                result.error = exc.message if isinstance(exc, OtelstackError) else str(exc)
                if current:
                    self._close(result, current, started, "failed", result.error)
            finally:
                self._finish(result)
        finally:
            restore()
        if result.interrupted:
            raise KeyboardInterrupt
        if not result.ok:
            raise SmokeFailed(f"smoke test failed in phase {failed_phase or 'setup'}: {result.error}",
                              hint=f"diagnostics: {result.diagnostics}" if result.diagnostics else f"results: {self.setup.results}")
        return result

    def _finish(self, result: SmokeResult) -> None:
        """Whatever happened: stop helpers, collect diagnostics (best effort), delete the cluster, write
        the reports. A second Ctrl-C or SIGTERM cannot cut the cluster's deletion short; nothing that
        fails while collecting diagnostics can skip it."""
        with _signals_deferred():
            for process in self.background:
                try:
                    process.stop()
                except Exception as exc:  # a helper that will not stop must not keep the cluster alive
                    self.out(f"smoke: could not stop a background command: {exc}")
            if not result.ok and self.cluster_ready and not result.interrupted:
                try:
                    result.diagnostics = self._diagnostics()
                except Exception as exc:
                    self.out(f"smoke: collecting diagnostics failed ({type(exc).__name__}: {exc}); deleting the cluster anyway")
            self._teardown(result)
            self._write_reports(result)

    def _close(self, result: SmokeResult, phase: str, started: float, status: str, message: str = "") -> None:
        entry = result.phases[phase]
        entry.status, entry.seconds, entry.message = status, self.clock() - started, message
        self.out(f"smoke:   {phase} {status} ({entry.seconds:.1f}s)")

    def _run_step(self, step: Step) -> None:
        self.out(f"smoke:   {step.title}")
        if step.before is not None:
            step.before()
        result = None
        if step.command is not None:
            while True:
                try:
                    result = self.runner.run(step.command(self.remaining()), timeout=self.remaining() + 30, check=step.check,
                                             log=self.setup.results / "commands.log")
                    if step.until is None or step.until(result):
                        break
                except CommandFailed as exc:
                    if not step.retry or self.clock() + RETRY_EVERY >= self.deadline:
                        if self.clock() >= self.deadline:
                            raise SmokeFailed(f"timed out after {int(self.timeout)}s: {step.title}") from None
                        raise SmokeFailed(f"{step.title}: {exc.message}") from None
                    self.sleep(RETRY_EVERY)
                    continue
                if self.clock() + RETRY_EVERY >= self.deadline:
                    raise SmokeFailed(f"timed out after {int(self.timeout)}s: {step.title}")
                self.sleep(RETRY_EVERY)
        if step.action is not None:
            step.action(result)
        if self.clock() > self.deadline:
            raise SmokeFailed(f"timed out after {int(self.timeout)}s during: {step.title}")

    def _preflight(self, _: Result | None = None) -> None:
        repo = self.setup.stack.data["repository"]
        missing = preflight.check(self.runner, self.host, self.via, (repo["url"], repo["revision"]))
        if missing:
            raise PreflightFailed(missing)

    def _creating(self) -> None:
        # Owed from the moment the create starts: killed half-way, kind leaves the node container behind.
        self.cluster_created = True

    def _created(self, _: Result | None = None) -> None:
        self.cluster_ready = True

    def _password(self, result: Result | None) -> None:
        self.argocd_password = base64.b64decode((result.stdout if result else "").strip() or b"").decode()

    def _port_forward(self, _: Result | None = None) -> None:
        self.background.append(self.runner.spawn(self.kubectl("--namespace", ARGOCD_CHART["namespace"], "port-forward",
                                                              "service/argocd-server", f"{ARGOCD_PORT}:443"),
                                                 log=self.setup.results / "port-forward.log"))
        self.sleep(2)

    def _terraform(self, _: Result | None = None) -> None:
        from otelstack.external.terraform import Terraform

        env = {"ARGOCD_SERVER": f"localhost:{ARGOCD_PORT}", "ARGOCD_AUTH_USERNAME": "admin",
               "ARGOCD_AUTH_PASSWORD": self.argocd_password, "ARGOCD_INSECURE": "true",
               "TF_DATA_DIR": str(self.setup.results / "terraform"), "KUBECONFIG": str(self.setup.kubeconfig)}
        plan = self.setup.results / "smoke.tfplan"
        terraform = Terraform(self.runner, self.setup.environment_root, log=self.setup.results / "terraform.log", env=env)
        terraform.init()
        terraform.plan(plan)
        terraform.apply(plan)

    def _wait_applications(self, _: Result | None = None) -> None:
        while True:
            listing = self.runner.run(self.kubectl("--namespace", ARGOCD_CHART["namespace"], "get", "applications.argoproj.io", "--output", "json"),
                                      check=False)
            pending = _pending_applications(listing.stdout, self.setup.applications)
            if listing.ok and not pending:
                return
            if self.clock() + RETRY_EVERY >= self.deadline:
                raise SmokeFailed(f"timed out waiting for applications to be Synced and Healthy: {', '.join(pending) or 'none listed'}")
            self.sleep(RETRY_EVERY)

    # The backends' data ----------------------------------------------------------------------------
    def _poll(self, attempt: Callable[[], bool], failure: Callable[[], str]) -> None:
        """Try until `attempt` says done; at the deadline fail with what `failure` reports."""
        try:
            while not attempt():
                if self.clock() + RETRY_EVERY >= self.deadline:
                    raise SmokeFailed(f"timed out after {int(self.timeout)}s: {failure()}")
                self.sleep(RETRY_EVERY)
        except backend_api.BadAnswer as exc:
            raise SmokeFailed(str(exc)) from None

    def _raw(self, path: str) -> Result:
        """GET a path of the API server (a Service proxy path): a failed request is an answer, not an error."""
        return self.runner.run(self.kubectl("get", "--raw", path), check=False, timeout=self.remaining() + 30,
                               log=self.setup.results / "commands.log")

    def _create_grafana_secret(self, _: Result | None = None) -> None:
        s = self.setup
        folder = tempfile.mkdtemp(prefix="otelstack-grafana-")
        path = os.path.join(folder, "admin-password")
        try:
            with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w", encoding="utf-8") as handle:
                handle.write(self.grafana_password)
            self.runner.run(self.kubectl("--namespace", s.grafana.namespace, "create", "secret", "generic", s.grafana_admin_secret,
                                         f"--from-literal=admin-user={GRAFANA_ADMIN}", f"--from-file=admin-password={path}"),
                            timeout=self.remaining() + 30, log=s.results / "commands.log")
        finally:
            if os.path.exists(path):
                os.unlink(path)
            os.rmdir(folder)

    def _check_tempo(self, _: Result | None = None) -> None:
        """Search Tempo for the service's traces, fetch each by id, and match their server spans with the
        requests the load job sent (as for the collector's output)."""
        s = self.setup
        tempo = s.services["tempo"]
        spans_by_trace: dict[str, list] = {}
        state: dict = {"verdict": None}

        def attempt() -> bool:
            found = self._raw(backend_api.tempo_search(tempo, s.service_name))
            if not found.ok:
                return False  # Tempo not answering yet (the proxy returns an error)
            for trace_id in backend_api.parse_tempo_search(found.stdout):
                if trace_id not in spans_by_trace:
                    answer = self._raw(backend_api.tempo_trace(tempo, trace_id))
                    if answer.ok:
                        spans_by_trace[trace_id] = backend_api.parse_tempo_trace(answer.stdout)
            state["verdict"] = check_spans([span for spans in spans_by_trace.values() for span in spans], s.service_name, s.traffic)
            self.result.backends["tempo"] = {"ok": state["verdict"].ok, "traces": len(spans_by_trace), "summary": state["verdict"].describe()}
            return state["verdict"].ok

        self._poll(attempt, lambda: f"traces of {s.service_name} in Tempo: " + (
            state["verdict"].describe().replace("\n", "; ") if state["verdict"] else "Tempo's search never answered"))
        self.out(f"smoke:   Tempo: {len(spans_by_trace)} trace(s) of {s.service_name}, every request found")

    def _check_prometheus(self, _: Result | None = None) -> None:
        s = self.setup
        query = backend_api.prometheus_query(s.services["prometheus"], backend_api.prometheus_promql(s.service_name))
        state: dict = {"missing": [str(t) for t in s.traffic], "seen": []}

        def attempt() -> bool:
            answer = self._raw(query)
            if not answer.ok:
                return False
            ok, state["missing"], state["seen"] = backend_api.judge_prometheus(backend_api.parse_prometheus_vector(answer.stdout),
                                                                               s.traffic, s.metrics_routes)
            self.result.backends["prometheus"] = {"ok": ok, "missing": state["missing"], "seen": state["seen"]}
            return ok

        self._poll(attempt, lambda: f"Beyla's metrics of {s.service_name} in Prometheus: missing {', '.join(state['missing'])}; "
                                    f"seen: {'; '.join(state['seen']) or 'nothing'}")
        self.out(f"smoke:   Prometheus: {'; '.join(state['seen'])}")

    def _grafana_healthy(self, result: Result) -> bool:
        if not result.ok:
            return False
        health = backend_api.parse_grafana_health(result.stdout) if result.stdout.strip().startswith("{") else {}
        self.result.backends["grafana"] = {"health": health}
        return health.get("database") == "ok"

    def _grafana_port_forward(self, _: Result | None = None) -> None:
        grafana = self.setup.services["grafana"]
        self.background.append(self.runner.spawn(self.kubectl("--namespace", grafana.namespace, "port-forward", f"service/{grafana.name}",
                                                              f"{GRAFANA_PORT}:{grafana.port('http').port}"),
                                                 log=self.setup.results / "port-forward-grafana.log"))
        self.sleep(2)

    def _check_grafana_datasources(self, _: Result | None = None) -> None:
        s = self.setup
        login = base64.b64encode(f"{GRAFANA_ADMIN}:{self.grafana_password}".encode()).decode()
        state: dict = {"missing": [f"{d['name']} ({d['type']}, {d['url']})" for d in s.datasources], "answer": "no answer"}

        def attempt() -> bool:
            status, body = self.http_get(f"http://localhost:{GRAFANA_PORT}/api/datasources", {"Authorization": f"Basic {login}"})
            if status != 200:
                state["answer"] = f"HTTP {status}: {body.strip()[:120]}"
                return False
            state["missing"] = backend_api.missing_datasources(backend_api.parse_grafana_datasources(body), s.datasources)
            self.result.backends.setdefault("grafana", {})["datasources_missing"] = state["missing"]
            return not state["missing"]

        self._poll(attempt, lambda: f"Grafana's datasources: missing {', '.join(state['missing'])} (last answer: {state['answer']})")
        self.out(f"smoke:   Grafana: datasources {', '.join(d['name'] for d in s.datasources)} provisioned")

    def _read_spans(self, result: Result | None) -> None:
        """The suite writes what it saw and what it missed; a failed suite fails the run with that."""
        report = self.setup.results / "spans.json"
        data = json.loads(report.read_text(encoding="utf-8")) if report.is_file() else {}
        self.result.spans = data or None
        self.result.first_span_seconds = data.get("first_span_seconds")
        summary = data.get("summary", "")
        if summary:
            self.out("smoke:   " + "\n         ".join(summary.splitlines()))
        if result is not None and not result.ok:
            tail = " ".join((result.stdout or result.stderr).strip().splitlines()[-3:])
            raise SmokeFailed("spans did not arrive as expected:\n  " + "\n  ".join(summary.splitlines()) if summary
                              else f"the in-cluster suite failed: {tail}")

    def _diagnostics(self) -> Path:
        folder = self.setup.results / "diagnostics"
        folder.mkdir(parents=True, exist_ok=True)
        for namespace in self.setup.namespaces:
            target = folder / namespace
            target.mkdir(exist_ok=True)
            for name, args in (("events.txt", ("get", "events", "--sort-by=.lastTimestamp", "--output", "wide")),
                               ("pods.txt", ("get", "pods", "--output", "wide")),
                               ("describe-pods.txt", ("describe", "pods"))):
                (target / name).write_text(self._diagnostic(namespace, *args), encoding="utf-8")
            for pod in self._diagnostic(namespace, "get", "pods", "--output", "name", output_only=True).split():
                logs = self._diagnostic(namespace, "logs", pod, "--all-containers", "--prefix")
                (target / f"{pod.split('/')[-1]}.log").write_text(logs, encoding="utf-8")
        self.out(f"smoke: diagnostics written to {folder} (with the values and manifests used in {self.setup.results})")
        return folder

    def _diagnostic(self, namespace: str, *args: str, output_only: bool = False) -> str:
        """One diagnostics command; a failure or a timeout is written down, never raised."""
        try:
            result = self.runner.run(self.kubectl("--namespace", namespace, *args), check=False, timeout=DIAGNOSTICS_TIMEOUT)
        except (CommandFailed, OtelstackError) as exc:
            return "" if output_only else f"# not collected: {exc.message}\n"
        return result.stdout if output_only else result.stdout + result.stderr

    def _teardown(self, result: SmokeResult) -> None:
        if not self.cluster_created:
            return
        started = self.clock()
        if self.keep:
            result.kept = True
            result.phases["teardown"] = PhaseResult("teardown", "skipped", 0.0, "--keep")
            self.out(f"smoke: kept cluster {self.setup.cluster_name} (kubeconfig {self.setup.kubeconfig}); "
                     f"delete it with: kind delete cluster --name {self.setup.cluster_name}")
            return
        self.out(f"smoke: [teardown] deleting cluster {self.setup.cluster_name}")
        deleted = self.runner.run(["kind", "delete", "cluster", "--name", self.setup.cluster_name], check=False, timeout=300)
        status = "passed" if deleted.ok else "failed"
        result.phases["teardown"] = PhaseResult("teardown", status, self.clock() - started,
                                                "" if deleted.ok else f"kind delete cluster failed: {deleted.stderr.strip()[-200:]}")

    def phase_applies(self, phase: str) -> bool:
        """Phases of this run: Argo CD only via argocd; the backends' installs and data only with backends."""
        if phase == "argocd":
            return self.via == "argocd"
        if phase == "backends":
            return self.via != "argocd" and bool(self.setup.backends)
        if phase == "data":
            return bool(self.setup.services)
        return True

    def _write_reports(self, result: SmokeResult) -> None:
        report = {
            "ok": result.ok, "environment": self.setup.stack.environment, "via": self.via, "cluster": self.setup.cluster_name,
            "interrupted": result.interrupted, "kept": result.kept, "error": result.error,
            "phases": [{"name": p.name, "status": p.status, "seconds": round(p.seconds, 1), "message": p.message}
                       for p in result.phases.values() if self.phase_applies(p.name)],
            "first_span_seconds": result.first_span_seconds, "spans": result.spans, "backends": result.backends or None,
            "diagnostics": str(result.diagnostics) if result.diagnostics else None,
        }
        (self.setup.results / "report.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        self.junit_path.parent.mkdir(parents=True, exist_ok=True)
        self.junit_path.write_text(junit(result, self.phase_applies), encoding="utf-8")
        self.out("smoke: timings: " + ", ".join(f"{p['name']} {p['seconds']}s" for p in report["phases"] if p["status"] != "skipped")
                 + (f", first span after {result.first_span_seconds:.1f}s" if result.first_span_seconds is not None else ""))


class Terminated(KeyboardInterrupt):
    """SIGTERM (a cancelled CI job, `timeout`): handled as an interruption, with the teardown."""


def _terminate_on_sigterm() -> Callable[[], None]:
    """Turn SIGTERM into Terminated while the run lasts; returns what restores the old handler."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def handler(signum, frame):
        raise Terminated()

    previous = signal.signal(signal.SIGTERM, handler)
    return lambda: signal.signal(signal.SIGTERM, previous)


@contextmanager
def _signals_deferred():
    """Hold Ctrl-C and SIGTERM during the teardown; a signal received meanwhile is re-raised after it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = {sig: signal.signal(sig, lambda signum, frame: received.append(signum)) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if received:
        raise Terminated() if received[0] == signal.SIGTERM else KeyboardInterrupt()


def _beyla_attached(result: Result) -> bool:
    """Beyla logs `instrumenting process` (discover.TraceAttacher) once it has attached to a process its
    discovery selected; the smoke stack selects only the sample app's namespace."""
    return result.ok and "instrumenting process" in result.stdout


def _job_finished(result: Result) -> bool:
    """The load Job's status: done when Complete; a Failed job fails the run at once (no waiting out the deadline)."""
    if not result.ok:
        return False
    try:
        status = json.loads(result.stdout or "{}").get("status", {})
    except ValueError:
        return False
    conditions = {c.get("type"): c for c in status.get("conditions") or [] if c.get("status") == "True"}
    if "Failed" in conditions:
        reason = conditions["Failed"].get("message") or conditions["Failed"].get("reason") or "failed"
        raise SmokeFailed(f"the load job failed: {reason} (its pod logs are in the diagnostics)")
    return "Complete" in conditions


class PreflightFailed(SmokeFailed):
    def __init__(self, missing: list[preflight.Missing]) -> None:
        super().__init__("this host cannot run the smoke test:\n  " + "\n  ".join(f"- {m}" for m in missing))
        self.missing = missing


def _pending_applications(listing: str, expected: list[str]) -> list[str]:
    """Applications not yet Synced and Healthy, including expected ones not generated yet."""
    try:
        items = json.loads(listing or "{}").get("items", [])
    except ValueError:
        return ["(unreadable application list)"]
    pending = []
    seen = set()
    for item in items:
        name = item.get("metadata", {}).get("name")
        seen.add(name)
        status = item.get("status", {})
        sync, health = status.get("sync", {}).get("status"), status.get("health", {}).get("status")
        if sync != "Synced" or health != "Healthy":
            pending.append(f"{name} ({sync or '?'}/{health or '?'})")
    pending += [f"{name} (not created yet)" for name in expected if name not in seen]
    return pending if items or expected else ["(no applications yet)"]


def junit(result: SmokeResult, applies: Callable[[str], bool]) -> str:
    from xml.sax.saxutils import quoteattr

    phases = [p for p in result.phases.values() if applies(p.name)]
    failures = sum(1 for p in phases if p.status == "failed")
    skipped = sum(1 for p in phases if p.status == "skipped")
    total = sum(p.seconds for p in phases)
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           f'<testsuites name="otelstack smoke" tests="{len(phases)}" failures="{failures}" errors="0" time="{total:.1f}">',
           f'  <testsuite name="otelstack smoke" tests="{len(phases)}" failures="{failures}" errors="0" skipped="{skipped}" time="{total:.1f}">']
    for phase in phases:
        out.append(f'    <testcase classname="otelstack.smoke" name="{phase.name}" time="{phase.seconds:.1f}">')
        if phase.status == "failed":
            out.append(f"      <failure message={quoteattr(phase.message or 'failed')} type=\"smoke\"/>")
        elif phase.status == "skipped":
            out.append(f"      <skipped message={quoteattr(phase.message or 'not reached')}/>")
        out.append("    </testcase>")
    out += ["  </testsuite>", "</testsuites>"]
    return "\n".join(out) + "\n"


def _http_get(url: str, headers: dict[str, str]) -> tuple[int, str]:
    """GET through a local port-forward: (status, body); (0, reason) when nothing answers yet."""
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (a localhost port-forward)
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError) as exc:
        return 0, str(exc)
