from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from helpers import run_cli  # noqa: E402  (re-exported for tests)


@pytest.fixture
def repo_root() -> Path:
    return REPO


def _tool(name: str) -> str | None:
    from otelstack.external import find_tool

    cwd = os.getcwd()
    try:
        os.chdir(REPO)  # find the project-local .tools/bin
        return find_tool(name)
    finally:
        os.chdir(cwd)


@pytest.fixture(scope="session")
def helm_bin() -> str:
    found = _tool("helm")
    if not found:
        pytest.skip("helm is not installed here (run `make setup`)")
    return found


@pytest.fixture(scope="session")
def terraform_bin() -> str:
    found = _tool("terraform")
    if not found:
        pytest.skip("terraform is not installed here")
    return found


@pytest.fixture
def stack_repo(tmp_path: Path) -> Path:
    """A copy of the bundled stack and everything rendered from it, to change freely."""
    for name in ("otelstack.yaml",):
        shutil.copy2(REPO / name, tmp_path / name)
    for name in ("manifests", "terraform"):
        shutil.copytree(REPO / name, tmp_path / name, symlinks=True,
                        ignore=shutil.ignore_patterns(".terraform", "*.tfstate*", ".terraform.lock.hcl"))
    return tmp_path


@pytest.fixture
def git_repo(stack_repo: Path) -> Path:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=stack_repo, check=True, env=env)
    subprocess.run(["git", "add", "-A"], cwd=stack_repo, check=True, env=env)
    subprocess.run(["git", "commit", "-qm", "base"], cwd=stack_repo, check=True, env=env)
    return stack_repo
