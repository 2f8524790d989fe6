"""otelstack smoke with the backends on (kind-full), without Docker: the order of the installs, the
Grafana admin Secret, and the data checks against Tempo, Prometheus and Grafana, replayed from
answers recorded in their documented formats (tests/data/backends)."""

import json
from pathlib import Path

import pytest

from otelstack.external import RecordedRunner, Result
from otelstack.smoke import backends as api
from otelstack.smoke.run import GRAFANA_PORT, SmokeFailed, SmokeRun
from otelstack.smoke.setup import prepare
from otelstack.smoke.spans import Expected, check
from otelstack.stack import load_stack
from test_smoke import FakeClock, FakeHost, _tool_paths, healthy_runner

DATA = Path(__file__).parent / "data" / "backends"
TRAFFIC = [Expected("GET", "/items/{id}", 200), Expected("POST", "/items", 201), Expected("GET", "/error", 500)]


def _read(name: str) -> str:
    return (DATA / name).read_text()


# The answers, parsed --------------------------------------------------------------------------------

def test_tempo_search_and_trace_answers():
    ids = api.parse_tempo_search(_read("tempo-search.json"))
    assert ids == ["5b8efff798038103d269b633813fc60c", "9f4c21aa0b7e4de1a3f7e2b56c0d1e42", "0c1d2e3f405162738495a6b7c8d9eafb"]
    spans = [span for trace_id in ids for span in api.parse_tempo_trace(_read(f"tempo-trace-{trace_id}.json"))]
    server = [s for s in spans if s.kind == "Server"]
    assert len(spans) == 6 and len(server) == 3
    assert server[0].service == "sample-app" and server[0].attributes["http.response.status_code"] == 200  # intValue is a string in JSON
    assert check(spans, "sample-app", TRAFFIC).ok
    assert not check(spans[:2], "sample-app", TRAFFIC).ok
    assert api.parse_tempo_search('{"traces": [], "metrics": {}}') == []


def test_prometheus_answers():
    series = api.parse_prometheus_vector(_read("prometheus-query.json"))
    assert series[0] == ({"http_request_method": "GET", "http_route": "/items/{id}", "http_response_status_code": "200"}, 20.0)
    ok, missing, seen = api.judge_prometheus(series, TRAFFIC, with_routes=True)
    assert ok and missing == [] and "GET /items/{id} -> 200: 20" in seen
    ok, missing, _ = api.judge_prometheus(series[:2], TRAFFIC, with_routes=True)
    assert not ok and missing == ["GET /error -> 500"]
    with pytest.raises(api.BadAnswer, match="parse error"):
        api.parse_prometheus_vector(_read("prometheus-error.json"))


def test_the_promql_reads_what_the_stack_wires():
    # Beyla's histogram as Prometheus's OTLP receiver names it, on the promoted service.name label
    assert api.prometheus_promql("sample-app") == ('sum by (http_request_method, http_route, http_response_status_code) '
                                                   '(http_server_request_duration_seconds_count{service_name="sample-app"})')


def test_grafana_answers():
    assert api.parse_grafana_health(_read("grafana-health.json"))["database"] == "ok"
    listed = api.parse_grafana_datasources(_read("grafana-datasources.json"))
    expected = [{"name": "Prometheus", "type": "prometheus", "url": "http://prometheus-server.prometheus.svc.cluster.local:80"},
                {"name": "Tempo", "type": "tempo", "url": "http://tempo.tempo.svc.cluster.local:3200"}]
    assert api.missing_datasources(listed, expected) == []
    assert api.missing_datasources(listed[:1], expected) == ["Tempo (tempo, http://tempo.tempo.svc.cluster.local:3200)"]
    with pytest.raises(api.BadAnswer):
        api.parse_grafana_datasources('{"message": "Unauthorized"}')


# The run --------------------------------------------------------------------------------------------

class FakeGrafana:
    """Grafana behind the port-forward: nothing listens at first, then the datasources."""

    def __init__(self, answers: list[tuple[int, str]]) -> None:
        self.answers = answers
        self.calls: list[tuple[str, dict]] = []

    def __call__(self, url: str, headers: dict) -> tuple[int, str]:
        self.calls.append((url, headers))
        return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]


def backend_runner(results: Path, setup, *, tempo_traces: bool = True, metrics: str = "prometheus-query.json") -> RecordedRunner:
    runner = healthy_runner(results)
    raw = ("kubectl", "--kubeconfig", str(setup.kubeconfig), "get", "--raw")
    searches = iter([Result((), 1, "", "Error from server (ServiceUnavailable): the server is currently unable to handle the request"),
                     Result((), 0, '{"traces": [], "metrics": {}}')])

    def api_server(argv):
        """The API server's service proxy: the answer depends on the path (one argv element)."""
        path = argv[-1]
        if path.startswith("/api/v1/namespaces/tempo/services/http:tempo:3200/proxy/api/search?"):
            return next(searches, Result(argv, 0, _read("tempo-search.json") if tempo_traces else '{"traces": []}'))
        if path.startswith("/api/v1/namespaces/tempo/services/http:tempo:3200/proxy/api/traces/"):
            return Result(argv, 0, _read(f"tempo-trace-{path.rsplit('/', 1)[1]}.json"))
        if path.startswith("/api/v1/namespaces/prometheus/services/http:prometheus-server:80/proxy/api/v1/query?"):
            return Result(argv, 0, _read(metrics))
        if path == "/api/v1/namespaces/grafana/services/http:grafana:80/proxy/api/health":
            return Result(argv, 0, _read("grafana-health.json"))
        return Result(argv, 1, "", f"Error from server (NotFound): {path}")

    runner.script[raw] = api_server
    return runner


@pytest.fixture
def full(repo_root: Path, tmp_path: Path, monkeypatch):
    _tool_paths(monkeypatch, tmp_path)
    results = tmp_path / "results"
    setup = prepare(load_stack(repo_root / "otelstack.yaml", "otelstack.yaml"), "kind-full", results, cluster_name="otelstack-smoke-test")

    def make(runner=None, grafana=None, **kwargs):
        clock = FakeClock()
        lines: list[str] = []
        grafana = grafana or FakeGrafana([(0, "connection refused"), (200, _read("grafana-datasources.json"))])
        run = SmokeRun(setup, runner or backend_runner(results, setup), FakeHost(), clock=clock, sleep=clock.sleep, python="python",
                       out=lines.append, http_get=grafana, **kwargs)
        return run, grafana, lines

    return setup, make


def test_a_full_run_installs_the_backends_first_and_finds_the_data_in_them(full, repo_root: Path):
    setup, make = full
    run, grafana, lines = make()
    result = run.execute()
    assert result.ok
    order = run.runner.commands()
    index = lambda text: next(i for i, c in enumerate(order) if text in c)  # noqa: E731
    tempo, prometheus = index("upgrade --install tempo"), index("upgrade --install prometheus")
    secret, grafana_install = index("create secret generic grafana-admin"), index("upgrade --install grafana")
    operator, suite = index("upgrade --install opentelemetry-operator"), index(" -m pytest ")
    search, query, health = index("/proxy/api/search?"), index("/proxy/api/v1/query?"), index("/proxy/api/health")
    assert tempo < prometheus < secret < grafana_install < operator < suite < search < query < health
    assert index("rollout status statefulset/tempo") < prometheus
    # every trace the search found was fetched by id
    fetched = [c for c in order if "/proxy/api/traces/" in c]
    assert len(fetched) == 3
    # the installed values are the rendered ones
    values = Path(order[grafana_install].split("--values ")[1])
    assert values.read_text() == (repo_root / "terraform/environments/kind-full/values/grafana.yaml").read_text()
    # the admin password is in no command line and no log; the datasources are read with it
    assert not any(run.grafana_password in c for c in order)
    assert run.grafana_password not in (setup.results / "commands.log").read_text()
    url, headers = grafana.calls[-1]
    assert url == f"http://localhost:{GRAFANA_PORT}/api/datasources" and headers["Authorization"].startswith("Basic ")
    assert any(c.startswith("'&' kubectl") and "port-forward service/grafana" in c for c in order)  # shlex quotes the marker
    assert any(c.startswith("stop kubectl") and "port-forward service/grafana" in c for c in order)
    report = json.loads((setup.results / "report.json").read_text())
    assert [p["name"] for p in report["phases"]] == ["preflight", "cluster", "backends", "operator", "collector", "beyla", "workload",
                                                     "spans", "data", "teardown"]
    assert all(p["status"] == "passed" for p in report["phases"])
    assert report["backends"]["tempo"]["ok"] and report["backends"]["tempo"]["traces"] == 3
    assert report["backends"]["prometheus"]["missing"] == [] and report["backends"]["grafana"]["datasources_missing"] == []
    assert any("Tempo: 3 trace(s) of sample-app" in line for line in lines)


def test_the_in_cluster_suite_waits_for_the_backends_too(full):
    from otelstack.smoke.checks import workloads

    setup, _ = full
    assert {("statefulset", "tempo", "tempo"), ("deployment", "prometheus", "prometheus-server"),
            ("deployment", "grafana", "grafana")} <= set(workloads(setup))


def test_traces_missing_from_tempo_fail_the_run_with_what_was_seen(full, tmp_path: Path):
    setup, make = full
    run, _, _ = make(backend_runner(setup.results, setup, tempo_traces=False))
    with pytest.raises(SmokeFailed) as caught:
        run.execute()
    assert "traces of sample-app in Tempo" in caught.value.message and "MISS GET /items/{id} -> 200" in caught.value.message
    report = json.loads((setup.results / "report.json").read_text())
    assert {p["name"]: p["status"] for p in report["phases"]}["data"] == "failed"
    assert any("kind delete cluster" in c for c in run.runner.commands())


def test_a_prometheus_error_fails_at_once(full):
    setup, make = full
    run, _, _ = make(backend_runner(setup.results, setup, metrics="prometheus-error.json"))
    with pytest.raises(SmokeFailed) as caught:
        run.execute()
    assert "Prometheus answered invalid parameter" in caught.value.message


def test_grafana_without_the_datasources_fails(full):
    _, make = full
    run, _, _ = make(grafana=FakeGrafana([(200, json.dumps([json.loads(_read("grafana-datasources.json"))[0]]))]))
    with pytest.raises(SmokeFailed) as caught:
        run.execute()
    assert "Grafana's datasources: missing Tempo (tempo, http://tempo.tempo.svc.cluster.local:3200)" in caught.value.message


def test_dry_run_via_argocd_creates_the_grafana_secret_before_terraform(repo_root: Path, tmp_path: Path):
    setup = prepare(load_stack(repo_root / "otelstack.yaml", "otelstack.yaml"), "kind-full", tmp_path, cluster_name="c", write=False)
    plan = SmokeRun(setup, RecordedRunner(), FakeHost(), via="argocd").plan_text()
    assert plan.index("create Grafana's admin Secret grafana-admin") < plan.index("terraform init, plan and apply")
    assert "[backends]" not in plan  # Argo CD installs them, tier by tier
    assert plan.index("[data] find the traces of sample-app in Tempo") > plan.index("[spans]")
