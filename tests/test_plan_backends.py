"""`otelstack plan` and `fleet diff` show the backend applications like any other: turning Tempo,
Prometheus and Grafana on (kind -> kind-full) creates their applications with their values and
changes Beyla's, against the real terraform on the provider-free stand-in root of test_plan.py."""

import json
from pathlib import Path

import pytest
import yaml

from helpers import plan_stand_in, replace_in, run_cli
from otelstack.fleet import expand_environment
from otelstack.fleet.diff import base_expansion, fleet_diff
from otelstack.stack import load_stack

def _applications(repo_root: Path, env: str) -> dict:
    """The environment's chart applications as the stand-in root takes them (its rendered values)."""
    specs = json.loads((repo_root / f"terraform/environments/{env}/otelstack.auto.tfvars.json").read_text())["applications"]
    return {name: {"chart": spec["source"]["chart"], "target_revision": spec["source"]["target_revision"],
                   "repo_url": spec["source"]["repo_url"],
                   "values": yaml.safe_load((repo_root / f"terraform/environments/{env}/{spec['source']['values_file']}").read_text())}
            for name, spec in specs.items() if spec["source"]["chart"]}


@pytest.fixture
def planned(tmp_path: Path, terraform_bin: str, monkeypatch, repo_root: Path) -> Path:
    repo, tfvars = plan_stand_in(tmp_path, monkeypatch)
    tfvars.write_text(json.dumps({"applications": _applications(repo_root, "kind")}))
    assert run_cli(["plan", "--root", "root", "--format", "json"], cwd=repo).code == 0
    assert run_cli(["apply", "--root", "root", "--auto-approve"], cwd=repo).code == 0
    tfvars.write_text(json.dumps({"applications": _applications(repo_root, "kind-full")}))
    return repo


def test_plan_shows_the_backends_created_and_beyla_changed(planned: Path):
    result = run_cli(["plan", "--root", "root", "--format", "json"], cwd=planned)
    assert result.code == 0, result.err
    apps = {a["name"]: a for a in json.loads(result.out)["applications"]}
    assert {name: a["action"] for name, a in apps.items() if a["action"] != "no-op"} == {
        "tempo": "create", "prometheus": "create", "grafana": "create", "beyla": "update"}
    assert apps["tempo"]["target_revision"] == {"before": None, "after": "2.2.4"}
    grafana = {v["path"]: v["after"] for v in apps["grafana"]["values"]}
    assert grafana["admin.existingSecret"] == "grafana-admin"
    assert grafana["datasources.datasources.yaml.datasources[1].url"] == "http://tempo.tempo.svc.cluster.local:3200"
    assert [v["path"] for v in apps["beyla"]["values"]] == ["env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "env.OTEL_EXPORTER_OTLP_METRICS_PROTOCOL"]
    markdown = run_cli(["plan", "--root", "root", "--format", "markdown"], cwd=planned).out
    assert "tempo" in markdown and "grafana" in markdown


def test_fleet_diff_shows_a_cluster_turning_tempo_on(stack_repo: Path):
    base = (stack_repo / "otelstack.yaml").read_text()
    replace_in(stack_repo / "otelstack.yaml", "    overrides:\n      collector:\n        replicas: 3\n",
               "    overrides:\n      collector:\n        replicas: 3\n      tempo: {enabled: true}\n")
    head = expand_environment(load_stack(stack_repo / "otelstack.yaml", "otelstack.yaml"), "fleet")
    changes = {c.cluster: c for c in fleet_diff(base_expansion(base, "fleet"), head)}
    assert set(changes) == {"eu-west-1"}
    assert [(a.name, a.action) for a in changes["eu-west-1"].applications] == [("eu-west-1-tempo", "create")]
