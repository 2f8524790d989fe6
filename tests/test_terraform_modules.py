"""Terraform modules and environment roots, with the real terraform binary (offline)."""

import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
TEST_DIRS = sorted({p.parent.parent for p in (REPO / "terraform").rglob("tests/*.tftest.hcl")})


def _env() -> dict[str, str]:
    env = dict(os.environ)
    if env.get("TF_CLI_CONFIG_FILE") and not os.path.isfile(env["TF_CLI_CONFIG_FILE"]):
        del env["TF_CLI_CONFIG_FILE"]
    return env


def test_fmt(terraform_bin: str):
    result = subprocess.run([terraform_bin, "fmt", "-check", "-recursive", "-diff", "terraform"], cwd=REPO,
                            capture_output=True, text=True, env=_env())
    assert result.returncode == 0, result.stdout + result.stderr


def test_there_are_offline_test_suites():
    assert [p.relative_to(REPO).as_posix() for p in TEST_DIRS] == ["terraform/modules/fleet-spec", "terraform/modules/stack-spec"]


@pytest.mark.parametrize("directory", TEST_DIRS, ids=lambda p: p.relative_to(REPO).as_posix())
def test_terraform_test_passes_offline(terraform_bin: str, directory: Path):
    result = subprocess.run([terraform_bin, "test", "-no-color"], cwd=directory, capture_output=True, text=True,
                            env=_env(), timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "0 failed" in result.stdout
    # every run block ran: the count in the summary matches the files
    runs = sum(text.count('\nrun "') for text in (p.read_text() for p in (directory / "tests").glob("*.tftest.hcl")))
    assert f"Success! {runs} passed" in result.stdout


def test_validation_failure_reads_well(terraform_bin: str, tmp_path: Path):
    """A hand-edited spec that unpins a chart fails at plan time with the module's message."""
    module = (REPO / "terraform/modules/stack-spec").as_posix()
    (tmp_path / "main.tf").write_text(
        'module "spec" {\n'
        f'  source           = "{module}"\n'
        '  argocd_namespace = "argocd"\n'
        '  applications = {\n'
        '    beyla = {\n'
        '      component   = "beyla"\n'
        '      tier        = 2\n'
        '      destination = { server = "https://kubernetes.default.svc", namespace = "beyla" }\n'
        '      source = { repo_url = "https://grafana.github.io/helm-charts", chart = "beyla", target_revision = "main", values_file = "values/beyla.yaml" }\n'
        '    }\n'
        '  }\n'
        '}\n'
    )
    init = subprocess.run([terraform_bin, "init", "-no-color", "-input=false"], cwd=tmp_path, capture_output=True, text=True, env=_env())
    assert init.returncode == 0, init.stderr
    plan = subprocess.run([terraform_bin, "plan", "-no-color", "-input=false"], cwd=tmp_path, capture_output=True, text=True, env=_env())
    assert plan.returncode == 1
    assert "must pin its chart version" in plan.stderr
