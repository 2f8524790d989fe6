from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from helpers import run_cli  # noqa: E402  (re-exported for tests)
from workflow_steps import StepRunner, clean_env  # noqa: E402


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


def source_copy(dest: Path) -> Path:
    """This checkout as a runner checks it out: the files git tracks or would add (not the ignored ones)."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                            check=True, capture_output=True, text=True).stdout.split("\0")
    for rel in filter(None, listed):
        source = REPO / rel
        if source.is_symlink() or source.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / rel, follow_symlinks=False)
    return dest


@dataclass
class ReleaseBuild:
    dist: Path  # the sdist and the wheel
    otelstack: Path  # otelstack installed from the wheel into a fresh virtualenv (release.yml's check)
    commit: str  # GITHUB_SHA the build was given
    steps: StepRunner


@pytest.fixture(scope="session")
def release_build(tmp_path_factory) -> ReleaseBuild:
    """The build job of .github/workflows/release.yml, its shell steps run here on a copy of this
    checkout, with a fresh Python as the runner's: sdist and wheel built, the wheel installed into a
    fresh virtualenv and run."""
    import yaml

    from otelstack import __version__

    work = tmp_path_factory.mktemp("release")
    source = source_copy(work / "src")
    temp = work / "runner-temp"
    temp.mkdir()
    subprocess.run([sys.executable, "-m", "venv", str(work / "runner-python")], check=True)
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, check=True, capture_output=True, text=True).stdout.strip()
    env = clean_env(PATH=f"{work / 'runner-python' / 'bin'}{os.pathsep}{os.environ['PATH']}",
                    GITHUB_REF_NAME=f"v{__version__}", GITHUB_SHA=commit, GITHUB_REPOSITORY="otelstack/otelstack")
    steps = yaml.safe_load((REPO / ".github/workflows/release.yml").read_text())["jobs"]["build"]["steps"]
    runner = StepRunner(source, temp, env)
    runner.run(steps)
    failed = [r for r in runner.results if r.code]
    assert not failed, f"release.yml build step {failed[0].name!r} failed:\n{failed[0].stdout[-3000:]}{failed[0].stderr[-3000:]}"
    return ReleaseBuild(source / "dist", temp / "check" / "bin" / "otelstack", commit, runner)
