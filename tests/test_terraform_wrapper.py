"""The Terraform wrapper against the real binary, and why python-terraform is not used for it."""

import json
import os
import shutil
from pathlib import Path

import pytest

from otelstack.external import ProcessRunner, RecordedRunner
from otelstack.external.terraform import ProviderUnavailable, StalePlan, Terraform, TerraformError

ROOT = Path(__file__).parent / "plan" / "root"
APPS = {
    "beyla": {"chart": "beyla", "target_revision": "1.4.13", "repo_url": "https://grafana.github.io/helm-charts",
              "values": {"env": {"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "grpc"}}},
}


@pytest.fixture
def root(tmp_path: Path, terraform_bin: str, monkeypatch) -> Path:
    if os.environ.get("TF_CLI_CONFIG_FILE") and not os.path.isfile(os.environ["TF_CLI_CONFIG_FILE"]):
        monkeypatch.delenv("TF_CLI_CONFIG_FILE")
    target = tmp_path / "root"
    shutil.copytree(ROOT, target)
    (target / "applications.auto.tfvars.json").write_text(json.dumps({"applications": APPS}))
    return target


def test_init_plan_show_apply(root: Path, tmp_path: Path):
    terraform = Terraform(ProcessRunner(), root, log=tmp_path / "tf.log")
    assert terraform.version().startswith("1.")
    terraform.init()
    assert terraform.plan(root / "p.tfplan") is True
    shown = terraform.show_json(root / "p.tfplan")
    assert [c["change"]["actions"] for c in shown["resource_changes"]] == [["create"]]
    terraform.apply(root / "p.tfplan")
    assert terraform.output_json()["applications"]["value"] == {"beyla": "1.4.13"}
    assert terraform.plan(root / "p2.tfplan") is False  # nothing left to do
    log = (tmp_path / "tf.log").read_text()
    assert "$ " in log and "terraform" in log and "apply" in log


def test_applying_a_stale_plan_is_explained(root: Path):
    terraform = Terraform(ProcessRunner(), root)
    terraform.init()
    terraform.plan(root / "a.tfplan")
    terraform.plan(root / "b.tfplan")
    terraform.apply(root / "a.tfplan")
    with pytest.raises(StalePlan) as caught:
        terraform.apply(root / "b.tfplan")
    assert "stale" in caught.value.message and "otelstack plan" in caught.value.hint


def test_errors_are_one_readable_line(root: Path, tmp_path: Path):
    (root / "broken.tf").write_text('resource "terraform_data" "x" {\n  input = var.missing\n}\n')
    terraform = Terraform(ProcessRunner(), root, log=tmp_path / "tf.log")
    terraform.init()
    with pytest.raises(TerraformError) as caught:
        terraform.plan(root / "p.tfplan")
    message = caught.value.message
    assert "`terraform plan -input=false -no-color -detailed-exitcode" in message
    assert "Reference to undeclared input variable" in message and "tf.log" in message
    assert "\n" not in message


def test_provider_that_cannot_be_installed_is_named():
    failure = ("\nError: Failed to query available provider packages\n\nCould not retrieve the list of available versions "
               "for provider\nargoproj-labs/argocd: could not connect to the registry\n")
    runner = RecordedRunner().on("terraform", "init", stderr=failure, returncode=1)
    with pytest.raises(ProviderUnavailable) as caught:
        Terraform(runner, Path("/env")).init()
    assert "could not install provider argoproj-labs/argocd" in caught.value.message
    assert "terraform providers mirror" in caught.value.hint and "filesystem_mirror" in caught.value.hint


def test_unreachable_argocd_is_named():
    failure = "\nError: failed to create new session client\n\ndial tcp 127.0.0.1:8080: connect: connection refused\n\n  with provider[\"registry/argoproj-labs/argocd\"]\n"
    runner = RecordedRunner().on("terraform", "plan", stderr=failure, returncode=1)
    with pytest.raises(TerraformError) as caught:
        Terraform(runner, Path("/env")).plan(Path("p"))
    assert caught.value.message.startswith("Argo CD is unreachable")
    assert "ARGOCD_SERVER" in caught.value.hint


# Why otelstack does not use python-terraform (0.10.1) for these calls: each one, on this Terraform.

def test_python_terraform_destroy_passes_the_removed_force_flag(root: Path):
    from python_terraform import Terraform as PyTerraform

    py = PyTerraform(working_dir=str(root))
    assert py.init()[0] == 0
    code, _, err = py.destroy()
    assert code == 1 and "flag provided but not defined: -force" in err


def test_python_terraform_apply_without_saved_plan_waits_for_approval(root: Path):
    from python_terraform import Terraform as PyTerraform

    py = PyTerraform(working_dir=str(root))
    py.init()
    code, _, err = py.apply()
    assert code == 1 and "error asking for approval" in err


def test_python_terraform_plan_raises_when_there_are_changes(root: Path):
    from python_terraform import Terraform as PyTerraform, TerraformCommandError

    py = PyTerraform(working_dir=str(root))
    py.init()
    assert py.plan()[0] == 2  # -detailed-exitcode: changes present
    with pytest.raises(TerraformCommandError):
        py.plan(raise_on_error=True)
