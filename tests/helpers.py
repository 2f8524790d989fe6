"""Test helpers: run the CLI in-process the way the entry point does."""

from __future__ import annotations

import contextlib
import io
import os
from dataclasses import dataclass
from pathlib import Path


@dataclass
class CliResult:
    code: int
    out: str
    err: str


def run_cli(args: list[str], cwd: Path | str | None = None) -> CliResult:
    from otelstack.cli import main

    out, err = io.StringIO(), io.StringIO()
    previous = os.getcwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(args))
    finally:
        os.chdir(previous)
    return CliResult(code, out.getvalue(), err.getvalue())


def replace_in(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count))


def plan_stand_in(tmp_path: Path, monkeypatch) -> tuple[Path, Path]:
    """A git repo holding tests/plan/root (a provider-free root of terraform_data applications) and
    the tfvars file that feeds it: (repo, tfvars)."""
    import shutil
    import subprocess

    if os.environ.get("TF_CLI_CONFIG_FILE") and not os.path.isfile(os.environ["TF_CLI_CONFIG_FILE"]):
        monkeypatch.delenv("TF_CLI_CONFIG_FILE")
    repo = tmp_path / "repo"
    shutil.copytree(Path(__file__).parent / "plan" / "root", repo / "root")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    return repo, repo / "root" / "applications.auto.tfvars.json"
