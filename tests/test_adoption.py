"""Adoption: the wheel installed outside this repo scaffolds a working platform repo; init is
idempotent and never overwrites without --force; upgrades move a repo to this version."""

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from helpers import replace_in, run_cli
from workflow_steps import clean_env
from otelstack import __version__

REPO = Path(__file__).resolve().parent.parent
MODULES = REPO / "terraform" / "modules" / "otelstack"


def _local_module_source(platform: Path) -> str:
    """A module source that works offline: the modules of this checkout, relative to an environment root."""
    return os.path.relpath(MODULES, platform / "terraform" / "environments" / "kind")


def _tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and ".otelstack" not in p.parts}


@pytest.fixture(scope="module")
def installed(release_build) -> Path:
    """otelstack built as release.yml builds it, installed into a fresh virtualenv outside this repo."""
    return release_build.otelstack


@pytest.mark.slow
def test_wheel_scaffolds_a_working_platform_repo(installed: Path, tmp_path: Path, terraform_bin: str):
    platform = tmp_path / "platform"

    def otelstack(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(installed), *args], cwd=platform, capture_output=True, text=True, env=clean_env())

    assert subprocess.run([str(installed), "--version"], capture_output=True, text=True).stdout.strip() == f"otelstack {__version__}"
    platform.mkdir()
    init = otelstack("init", ".", "--module-source", _local_module_source(platform))
    assert init.returncode == 0, init.stderr
    assert "created         otelstack.yaml" in init.stdout and "terraform/environments/production/main.tf" in init.stdout
    validate = otelstack("validate", "--format", "json")
    assert validate.returncode == 0, validate.stdout + validate.stderr
    assert yaml.safe_load(validate.stdout)["summary"]["error"] == 0
    assert otelstack("render", "--check").returncode == 0
    fmt = subprocess.run([terraform_bin, "fmt", "-check", "-recursive", "terraform"], cwd=platform, capture_output=True, text=True, env=clean_env())
    assert fmt.returncode == 0, fmt.stdout
    plan = otelstack("plan", "--env", "kind")
    if plan.returncode == 0:
        pytest.skip("this machine can download providers")
    assert plan.returncode == 1
    assert "terraform init could not install provider argoproj-labs/argocd" in plan.stderr
    assert "Traceback" not in plan.stderr
    # what the generated root pins
    main_tf = (platform / "terraform/environments/kind/main.tf").read_text()
    assert 'source  = "argoproj-labs/argocd"' in main_tf and 'version = "~> 7.0"' in main_tf


def test_default_module_source_is_versioned(tmp_path: Path):
    assert run_cli(["init", str(tmp_path)]).code == 0
    stack = yaml.safe_load((tmp_path / "otelstack.yaml").read_text())
    assert stack["terraform"]["moduleSource"] == f"git::https://github.com/otelstack/otelstack.git//terraform/modules/otelstack?ref=v{__version__}"
    assert f'source = "{stack["terraform"]["moduleSource"]}"' in (tmp_path / "terraform/environments/kind/main.tf").read_text()


def test_init_twice_changes_nothing(tmp_path: Path):
    assert run_cli(["init", str(tmp_path), "--env", "kind", "--env", "staging", "--cluster-name", "staging-eu"]).code == 0
    before = _tree(tmp_path)
    again = run_cli(["init", str(tmp_path)])
    assert again.code == 0 and _tree(tmp_path) == before
    assert "created" not in again.out and "init: render changed 0 file(s)" in again.out
    stack = yaml.safe_load((tmp_path / "otelstack.yaml").read_text())
    assert list(stack["environments"]) == ["kind", "staging"]
    assert stack["environments"]["staging"]["overrides"]["argocd"]["destination"] == "staging-eu"
    spec = (tmp_path / "terraform/environments/staging/otelstack.auto.tfvars.json").read_text()
    assert '"name": "staging-eu"' in spec


def test_init_defines_a_fleet_on_request(tmp_path: Path):
    plain = tmp_path / "plain"
    assert run_cli(["init", str(plain)]).code == 0
    text = (plain / "otelstack.yaml").read_text()
    assert "clusters:" not in text and "Fleet environments" not in text  # nothing of the example fleet leaks in
    fleet = tmp_path / "fleet"
    result = run_cli(["init", str(fleet), "--fleet", "edge"])
    assert result.code == 0, result.err
    stack = yaml.safe_load((fleet / "otelstack.yaml").read_text())
    assert list(stack["environments"]) == ["kind", "production", "edge"] and stack["environments"]["edge"]["fleet"] is True
    assert [(c["name"], c["environment"]) for c in stack["clusters"]] == [("eu-west-1", "edge"), ("us-east-1", "edge"), ("ap-south-1", "edge")]
    main_tf = (fleet / "terraform/environments/edge/main.tf").read_text()
    assert f"//terraform/modules/otelstack-fleet?ref=v{__version__}" in main_tf
    assert (fleet / "terraform/environments/edge/values/us-east-1/beyla.yaml").is_file()
    validated = run_cli(["validate", "--format", "json"], cwd=fleet)
    assert validated.code == 0 and json.loads(validated.out)["summary"]["error"] == 0
    expanded = run_cli(["fleet", "expand", "--format", "json"], cwd=fleet)
    assert expanded.code == 0 and len(json.loads(expanded.out)["clusters"]) == 3
    clash = run_cli(["init", str(tmp_path / "clash"), "--env", "edge", "--fleet", "edge"])
    assert clash.code == 2 and "needs its own name" in clash.err


def test_existing_makefile_is_kept_unless_forced(tmp_path: Path):
    (tmp_path / "Makefile").write_text("deploy:\n\t./deploy.sh\n")
    first = run_cli(["init", str(tmp_path)])
    assert "created         otelstack.mk  (your Makefile is kept: add `include otelstack.mk` to it)" in first.out
    assert (tmp_path / "Makefile").read_text() == "deploy:\n\t./deploy.sh\n"
    (tmp_path / ".pre-commit-config.yaml").write_text("repos: []\n")
    second = run_cli(["init", str(tmp_path)])
    assert "skipped         .pre-commit-config.yaml  (exists and differs; --force overwrites it)" in second.out
    dry = run_cli(["init", str(tmp_path), "--dry-run", "--force"])
    assert "would overwrite .pre-commit-config.yaml" in dry.out and "-repos: []" in dry.out
    assert (tmp_path / ".pre-commit-config.yaml").read_text() == "repos: []\n"
    forced = run_cli(["init", str(tmp_path), "--force"])
    assert "overwrote       .pre-commit-config.yaml" in forced.out
    assert "otelstack-validate" in (tmp_path / ".pre-commit-config.yaml").read_text()


def test_existing_gitignore_is_not_rewritten(tmp_path: Path):
    (tmp_path / ".gitignore").write_text("node_modules/\n*.tfplan\n")
    result = run_cli(["init", str(tmp_path)])
    assert "skipped         .gitignore  (exists; add: .otelstack/, smoke-results/, .terraform/, *.tfstate, *.tfstate.*, *.tfplan.json)" in result.out
    assert (tmp_path / ".gitignore").read_text() == "node_modules/\n*.tfplan\n"


def test_generated_workflow_and_hooks(tmp_path: Path):
    assert run_cli(["init", str(tmp_path)]).code == 0
    workflow = yaml.safe_load((tmp_path / ".github/workflows/otelstack.yml").read_text())
    assert set(workflow["jobs"]) == {"check", "apply"}
    check = {step.get("name", step.get("uses")): step for step in workflow["jobs"]["check"]["steps"]}
    assert check["validate"]["uses"].startswith("otelstack/otelstack@") and check["validate"]["with"] == {"upload-sarif": True}
    assert check["render check"]["run"] == "otelstack render --check"
    assert "--format markdown --out plan.md" in check["plan"]["run"]
    assert "plan-comment.md" in check["post the plan on the pull request"]["run"]
    assert workflow["permissions"] == {}
    assert workflow["jobs"]["check"]["permissions"]["security-events"] == "write"
    assert workflow["jobs"]["apply"]["permissions"] == {"contents": "read"}
    apply = workflow["jobs"]["apply"]["steps"]
    assert [s.get("name") for s in apply if s.get("uses", "").startswith("otelstack/otelstack@")] == ["validate"]
    assert 'otelstack apply --env "$OTELSTACK_ENV" --auto-approve' in apply[-1]["run"]
    assert workflow[True]["push"]["branches"] == ["main"]  # YAML 1.1 reads the `on` key as true
    hooks = yaml.safe_load((tmp_path / ".pre-commit-config.yaml").read_text())
    assert hooks["repos"][0]["rev"] == f"v{__version__}"
    assert [h["id"] for h in hooks["repos"][0]["hooks"]] == ["otelstack-render-check", "otelstack-validate"]
    published = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert {h["id"] for h in published} == {"otelstack-render-check", "otelstack-validate"}
    assert all(h["language"] == "python" and h["pass_filenames"] is False for h in published)


def test_offline_workflow_steps_pass_locally(tmp_path: Path):
    """The pull-request steps that need no network, run exactly as the workflow writes them (the
    validate step is otelstack's action: tests/test_workflows.py runs it)."""
    assert run_cli(["init", str(tmp_path)]).code == 0
    workflow = yaml.safe_load((tmp_path / ".github/workflows/otelstack.yml").read_text())
    steps = {step.get("name"): step["run"] for step in workflow["jobs"]["check"]["steps"] if "run" in step}
    env = clean_env(PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    result = subprocess.run(steps["render check"], shell=True, cwd=tmp_path, capture_output=True, text=True, env=env)
    assert result.returncode == 0, f"render check: {result.stdout}{result.stderr}"
    published = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    for hook in published:
        result = subprocess.run(hook["entry"], shell=True, cwd=tmp_path, capture_output=True, text=True, env=env)
        assert result.returncode == 0, f"{hook['id']}: {result.stdout}{result.stderr}"


def test_upgrade_moves_module_refs_and_generated_files(tmp_path: Path):
    assert run_cli(["init", str(tmp_path)]).code == 0
    replace_in(tmp_path / "otelstack.yaml", f"?ref=v{__version__}", "?ref=v0.0.9")
    replace_in(tmp_path / "Makefile", f"Generated by otelstack init {__version__}", "Generated by otelstack init 0.0.9")
    assert run_cli(["render"], cwd=tmp_path).code == 0  # the repo as it was at 0.0.9
    before = _tree(tmp_path)
    dry = run_cli(["init", "--upgrade", "--dry-run", str(tmp_path)])
    assert dry.code == 0 and _tree(tmp_path) == before
    assert f"would update    otelstack.yaml  (module source v0.0.9 -> v{__version__})" in dry.out
    assert "would refresh   Makefile  (generated by otelstack 0.0.9)" in dry.out
    upgrade = run_cli(["init", "--upgrade", str(tmp_path)])
    assert upgrade.code == 0
    assert f"?ref=v{__version__}" in (tmp_path / "otelstack.yaml").read_text()
    assert f"?ref=v{__version__}" in (tmp_path / "terraform/environments/production/main.tf").read_text()
    assert "updated         terraform/environments/kind/main.tf" in upgrade.out
    assert run_cli(["render", "--check"], cwd=tmp_path).code == 0
    assert run_cli(["init", "--upgrade", str(tmp_path)]).out.count("unchanged       otelstack.yaml") == 1


def test_schema_versions_say_what_to_change(tmp_path: Path):
    assert run_cli(["init", str(tmp_path)]).code == 0
    replace_in(tmp_path / "otelstack.yaml", "version: 1\n", "version: 2\n")
    newer = run_cli(["validate", "--format", "json"], cwd=tmp_path)
    assert "schema version 2; this otelstack reads version 1" in newer.out
    replace_in(tmp_path / "otelstack.yaml", "version: 2\n", "")
    missing = run_cli(["render"], cwd=tmp_path)
    assert missing.code == 2 and "missing required key 'version'" in missing.err and "add `version: 1`" in missing.err
