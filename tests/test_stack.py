"""The stack definition: loading, schema errors with file and line, environment overrides."""

from pathlib import Path

import pytest

from helpers import replace_in, run_cli
from otelstack.errors import InputErrors, UsageError
from otelstack.stack import load_stack


def test_bundled_stack_is_valid(repo_root: Path):
    stack_file = load_stack(repo_root / "otelstack.yaml", "otelstack.yaml")
    assert stack_file.problems == []
    assert stack_file.environments == ["kind", "kind-full", "production", "fleet", "kind-fleet"]


def test_environment_overrides_merge_and_keep_locations(repo_root: Path):
    stack_file = load_stack(repo_root / "otelstack.yaml", "otelstack.yaml")
    kind, prod = stack_file.resolve("kind"), stack_file.resolve("production")
    assert kind.beyla["security"] == "privileged" and prod.beyla["security"] == "unprivileged"
    assert prod.collector["replicas"] == 2 and kind.collector["replicas"] == 1
    # untouched keys are inherited, overridden keys point at the override
    assert prod.operator["chart"]["version"] == kind.operator["chart"]["version"] == "0.74.0"
    text = (repo_root / "otelstack.yaml").read_text().splitlines()
    assert "security: unprivileged" in text[prod.loc("beyla", "security").line - 1]
    assert "security: privileged" in text[kind.loc("beyla", "security").line - 1]


@pytest.mark.parametrize(
    "old,new,expected",
    [
        ("  mode: deployment\n", "  mode: deploymnet\n", "collector.mode: 'deploymnet' is not one of: deployment, daemonset, statefulset, sidecar"),
        ("  replicas: 1\n", "  replicas: one\n", "collector.replicas: expected integer, got string 'one'"),
        ("  project: default\n", "  projekt: default\n", "unknown key 'projekt' in argocd"),
        ("  security: privileged #", "  security: root #", "beyla.security: 'root' is not one of: privileged, unprivileged"),
    ],
)
def test_bad_definition_names_key_and_line(stack_repo: Path, old: str, new: str, expected: str):
    path = stack_repo / "otelstack.yaml"
    replace_in(path, old, new)
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if new.strip().split(" #")[0] in text)
    result = run_cli(["render", "--check"], cwd=stack_repo)
    assert result.code == 2
    assert f"otelstack.yaml:{line}:" in result.err
    assert expected in result.err
    assert "Traceback" not in result.err + result.out


def test_unknown_key_suggests_the_right_one(stack_repo: Path):
    replace_in(stack_repo / "otelstack.yaml", "  project: default\n", "  projekt: default\n")
    result = run_cli(["render"], cwd=stack_repo)
    assert "did you mean 'project'?" in result.err


def test_override_of_unknown_key_is_reported_at_the_override(stack_repo: Path):
    path = stack_repo / "otelstack.yaml"
    replace_in(path, "      collector:\n        replicas: 2\n", "      collector:\n        replica: 2\n")
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if "replica: 2" in text)
    with pytest.raises(InputErrors) as caught:
        load_stack(path, "otelstack.yaml").require_valid()
    messages = [(e.location.line, e.message) for e in caught.value.errors]
    assert (line, "environment 'production': unknown key 'replica' in collector") in messages


def test_yaml_syntax_error(stack_repo: Path):
    path = stack_repo / "otelstack.yaml"
    replace_in(path, "  project: default\n", "  project: [default\n")
    result = run_cli(["render"], cwd=stack_repo)
    assert result.code == 2
    assert "otelstack.yaml:" in result.err and "YAML syntax error" in result.err
    assert len([l for l in result.err.splitlines() if l.startswith("otelstack:")]) == 1


def test_missing_stack_file(tmp_path: Path):
    result = run_cli(["--stack", str(tmp_path / "nope.yaml"), "render"])
    assert result.code == 2
    assert "nope.yaml not found" in result.err and "otelstack init" in result.err


def test_no_stack_file_anywhere(tmp_path: Path):
    (tmp_path / ".git").mkdir()
    result = run_cli(["render"], cwd=tmp_path)
    assert result.code == 2 and "no otelstack.yaml" in result.err


def test_export_to_a_receiver_protocol_that_does_not_exist(stack_repo: Path):
    path = stack_repo / "otelstack.yaml"
    replace_in(path, "    receiver: otlp\n    protocol: grpc\n", "    receiver: otlp/internal\n    protocol: grpc\n")
    with pytest.raises(InputErrors) as caught:
        load_stack(path, "otelstack.yaml").require_valid()
    assert any("beyla exports to receiver 'otlp/internal' over grpc" in e.message for e in caught.value.errors)


def test_cert_manager_webhooks_need_cert_manager(stack_repo: Path):
    path = stack_repo / "otelstack.yaml"
    replace_in(path, "  webhookCertificates: auto-generated\n", "  webhookCertificates: cert-manager\n")
    with pytest.raises(InputErrors) as caught:
        load_stack(path, "otelstack.yaml").require_valid()
    # production enables cert-manager; only kind is wrong
    messages = [e.message for e in caught.value.errors]
    assert messages == ["environment 'kind': operator.webhookCertificates is cert-manager but certManager.enabled is false"]


def test_security_fs_mount_needs_a_chart_that_renders_volumes(stack_repo: Path):
    path = stack_repo / "otelstack.yaml"
    replace_in(path, "  mountSecurityFs: false\n", "  mountSecurityFs: true\n")
    with pytest.raises(InputErrors) as caught:
        load_stack(path, "otelstack.yaml").require_valid()
    error = caught.value.errors[0]
    assert "Beyla chart 1.4.13 does not support extra volumes" in error.message
    assert error.hint == "use chart 1.7.3 or later (beyla.chart.version)"


def test_newer_schema_version_is_refused_with_advice(stack_repo: Path):
    replace_in(stack_repo / "otelstack.yaml", "version: 1\n", "version: 7\n")
    with pytest.raises(UsageError) as caught:
        load_stack(stack_repo / "otelstack.yaml").require_valid()
    assert "schema version 7" in str(caught.value.message)


def test_unknown_environment(repo_root: Path):
    result = run_cli(["render", "--check", "--env", "staging"], cwd=repo_root)
    assert result.code == 2
    assert "environment 'staging' is not defined" in result.err and "kind, kind-full, production" in result.err
