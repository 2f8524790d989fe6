"""otelstack plan and apply: the summary against the real terraform, the report formats against
expected files, the manifest diff in a temporary git repo, and the apply guard."""

import json
import os
import subprocess
from pathlib import Path

import pytest

from helpers import plan_stand_in, run_cli
from otelstack.plan import PlanReport, Target
from otelstack.plan.formats import as_json, as_markdown, as_text
from otelstack.plan.manifests import FileDiff, manifest_diffs
from otelstack.plan.summary import summarize, values_diff
from otelstack.external import ProcessRunner
from otelstack.external.git import Git

HERE = Path(__file__).parent / "plan"
REPO = "https://charts.example.com"


def app(chart: str, revision: str, values: dict) -> dict:
    return {"chart": chart, "target_revision": revision, "repo_url": REPO, "values": values}


BEFORE = {
    "alpha": app("alpha", "1.0.0", {"replicas": 1}),
    "beta": app("beta", "2.0.0", {"env": {"ENDPOINT": "http://old:4317", "PROTOCOL": "grpc"}, "privileged": True}),
    "gamma": app("gamma", "3.0.0", {}),
}
AFTER = {
    "alpha": app("alpha-ng", "1.1.0", {"replicas": 1}),  # a new chart: replaced
    "beta": app("beta", "2.1.0", {"env": {"ENDPOINT": "http://new:4317", "LOG_LEVEL": "debug"}, "privileged": True}),
    "delta": app("delta", "0.1.0", {"enabled": True}),  # new; gamma is gone
}


@pytest.fixture
def planned_root(tmp_path: Path, terraform_bin: str, monkeypatch) -> Path:
    """A git repo with the terraform_data root, its first state applied, and the next change staged."""
    repo, tfvars = plan_stand_in(tmp_path, monkeypatch)
    tfvars.write_text(json.dumps({"applications": BEFORE}))
    first = run_cli(["plan", "--root", "root", "--format", "json"], cwd=repo)
    assert first.code == 0, first.err
    assert run_cli(["apply", "--root", "root", "--auto-approve"], cwd=repo).code == 0
    tfvars.write_text(json.dumps({"applications": AFTER}))
    return repo


def test_plan_summarises_every_kind_of_change(planned_root: Path):
    result = run_cli(["plan", "--root", "root", "--format", "json"], cwd=planned_root)
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert report["summary"] == {"create": 1, "update": 1, "delete": 1, "replace": 1, "no-op": 0, "other": 0}
    apps = {a["name"]: a for a in report["applications"]}
    assert {name: a["action"] for name, a in apps.items()} == {"alpha": "replace", "beta": "update", "gamma": "delete", "delta": "create"}
    assert apps["alpha"]["chart"] == {"before": "alpha", "after": "alpha-ng"}
    assert apps["beta"]["target_revision"] == {"before": "2.0.0", "after": "2.1.0"}
    assert apps["beta"]["values"] == [
        {"path": "env.ENDPOINT", "action": "change", "before": "http://old:4317", "after": "http://new:4317"},
        {"path": "env.LOG_LEVEL", "action": "add", "before": None, "after": "debug"},
        {"path": "env.PROTOCOL", "action": "remove", "before": "grpc", "after": None},
    ]
    assert apps["delta"]["values"] == [{"path": "enabled", "action": "add", "before": None, "after": True}]
    assert report["plan_file"] == "root/otelstack.tfplan"
    assert "validating" in result.err and "terraform plan" in result.err  # progress on stderr


def test_text_report(planned_root: Path):
    result = run_cli(["plan", "--root", "root"], cwd=planned_root)
    assert result.code == 0
    assert "1 to create, 1 to update, 1 to replace, 1 to delete" in result.out.splitlines()[0]
    assert "~ beta (update, terraform_data.application[\"beta\"])" in result.out
    assert "    ~ env.ENDPOINT: http://old:4317 → http://new:4317" in result.out
    assert "otelstack apply --root root" in result.out


def test_apply_refuses_a_plan_from_another_tree(planned_root: Path):
    assert run_cli(["plan", "--root", "root"], cwd=planned_root).code == 0
    (planned_root / "root" / "extra.tf").write_text("# a change after the plan was reviewed\n")
    result = run_cli(["apply", "--root", "root", "--auto-approve"], cwd=planned_root)
    assert result.code == 1
    assert "the plan was made from another tree" in result.err and "root/extra.tf (added)" in result.err


def test_apply_needs_confirmation_outside_a_terminal(planned_root: Path):
    assert run_cli(["plan", "--root", "root"], cwd=planned_root).code == 0
    result = run_cli(["apply", "--root", "root"], cwd=planned_root)
    assert result.code == 2 and "stdin is not a terminal" in result.err


def test_apply_applies_the_matching_plan(planned_root: Path, terraform_bin: str):
    assert run_cli(["plan", "--root", "root"], cwd=planned_root).code == 0
    result = run_cli(["apply", "--root", "root", "--auto-approve"], cwd=planned_root)
    assert result.code == 0, result.err
    output = subprocess.run([terraform_bin, "output", "-json"], cwd=planned_root / "root", capture_output=True, text=True)
    assert json.loads(output.stdout)["applications"]["value"] == {"alpha": "1.1.0", "beta": "2.1.0", "delta": "0.1.0"}
    assert not (planned_root / "root" / "otelstack.tfplan").exists()
    again = run_cli(["apply", "--root", "root", "--auto-approve"], cwd=planned_root)
    assert again.code == 2 and "no saved plan" in again.err


def test_plan_stops_on_validation_errors(planned_root: Path):
    (planned_root / "root" / "bad.yaml").write_text("kind: [\n")
    result = run_cli(["plan", "--root", "root"], cwd=planned_root)
    assert result.code == 1
    assert "validation found 1 errors: nothing was planned" in result.err and "bad.yaml" in result.err


def test_bundled_environment_fails_cleanly_offline(stack_repo: Path, terraform_bin: str, monkeypatch):
    if os.environ.get("TF_CLI_CONFIG_FILE") and not os.path.isfile(os.environ["TF_CLI_CONFIG_FILE"]):
        monkeypatch.delenv("TF_CLI_CONFIG_FILE")
    result = run_cli(["plan", "--env", "kind"], cwd=stack_repo)
    if result.code == 0:
        pytest.skip("this machine can download providers")
    assert result.code == 1
    assert "terraform init could not install provider argoproj-labs/argocd" in result.err
    assert "terraform providers mirror" in result.err
    assert "Traceback" not in result.err


def _fixed_report() -> PlanReport:
    shown = json.loads((HERE / "fixed" / "show.json").read_text())
    target = Target(Path("/repo"), Path("/repo/terraform/environments/kind"), "kind", Path("/repo/otelstack.yaml"))
    diff = (HERE / "fixed" / "collector.diff").read_text()
    manifests = [FileDiff("manifests/rendered/kind/collector.yaml", "modified", diff, 1, 1)]
    return PlanReport(target, {"error": 0, "warning": 1, "info": 0}, summarize(shown), manifests, "origin/main")


@pytest.mark.parametrize("name,render", [("expected.md", as_markdown), ("expected.json", as_json), ("expected.txt", as_text)])
def test_report_formats_match_expected_files(name, render):
    expected = (HERE / "fixed" / name).read_text()
    actual = render(_fixed_report())
    if name.endswith(".json"):
        assert json.loads(actual) == json.loads(expected)
    else:
        assert actual == expected


def test_markdown_folds_long_diffs():
    report = _fixed_report()
    long_diff = "".join(f"+line {i}\n" for i in range(60))
    report.manifests = [FileDiff("manifests/rendered/kind/big.yaml", "added", long_diff, 60, 0)]
    text = as_markdown(report)
    assert "<details><summary>manifests/rendered/kind/big.yaml (added, +60 −0)</summary>" in text


def test_manifest_diff_against_a_git_base(git_repo: Path):
    git = Git(ProcessRunner(), git_repo)
    base = git.resolve("HEAD")
    collector = git_repo / "manifests/rendered/kind/collector.yaml"
    collector.write_text(collector.read_text().replace("replicas: 1", "replicas: 3"))
    (git_repo / "manifests/rendered/kind/extra.yaml").write_text("apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n")
    (git_repo / "manifests/rendered/kind/instrumentation.yaml").unlink()
    diffs = {d.path: d for d in manifest_diffs(git, base, git_repo, "manifests/rendered/kind")}
    assert {p: d.status for p, d in diffs.items()} == {
        "manifests/rendered/kind/collector.yaml": "modified",
        "manifests/rendered/kind/extra.yaml": "added",
        "manifests/rendered/kind/instrumentation.yaml": "deleted",
    }
    assert "-  replicas: 1\n+  replicas: 3\n" in diffs["manifests/rendered/kind/collector.yaml"].diff
    assert diffs["manifests/rendered/kind/collector.yaml"].added == 1


def test_default_base_is_the_merge_base_with_the_default_branch(git_repo: Path):
    from otelstack.plan import _manifests

    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    subprocess.run(["git", "checkout", "-qb", "feature"], cwd=git_repo, check=True)
    collector = git_repo / "manifests/rendered/production/collector.yaml"
    collector.write_text(collector.read_text().replace("replicas: 2", "replicas: 4"))
    subprocess.run(["git", "commit", "-qam", "scale"], cwd=git_repo, check=True, env=env)
    target = Target(git_repo, git_repo / "terraform/environments/production", "production", git_repo / "otelstack.yaml")
    diffs, label, note, _ = _manifests(target, None, ProcessRunner())
    assert label.startswith("merge base with main") and note == ""
    assert [d.path for d in diffs] == ["manifests/rendered/production/collector.yaml"]


def test_values_diff_handles_lists_and_bad_yaml():
    changes, problem = values_diff("a: [1, 2]\nb: [{x: 1}]\n", "a: [1, 3]\nb: [{x: 2}]\n")
    assert problem == "" and [(c.path, c.before, c.after) for c in changes] == [("a", [1, 2], [1, 3]), ("b[0].x", 1, 2)]
    assert values_diff("a: [", "a: 1")[1].startswith("values are not valid YAML")
