"""Own-repository detection: from any subdirectory, through worktrees, across URL spellings."""

import subprocess

import pytest

from otelstack.gitrepo import find_repository, normalize_url


@pytest.mark.parametrize("url", [
    "https://github.com/Example/Platform.git",
    "https://github.com/example/platform",
    "git@github.com:example/platform.git",
    "ssh://git@github.com/example/platform",
    "ssh://git@github.com:22/example/platform.git",
    "http://github.com/example/platform/",
    "git+https://github.com/example/platform.git",
])
def test_url_spellings_of_one_repository_are_equal(url):
    assert normalize_url(url) == "https://github.com/example/platform"


def test_other_repositories_differ():
    assert normalize_url("https://github.com/example/platform-infra") != normalize_url("https://github.com/example/platform")
    assert normalize_url("https://gitlab.com/example/platform") != normalize_url("https://github.com/example/platform")


def _git(cwd, *args):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def test_found_from_a_subdirectory_and_from_a_worktree(tmp_path):
    repo = tmp_path / "repo"
    (repo / "deploy" / "argocd").mkdir(parents=True)
    _git(repo, "init", "-q")
    _git(repo, "remote", "add", "origin", "git@github.com:example/platform.git")
    _git(repo, "remote", "add", "mirror", "https://gitlab.example.com/platform/platform.git")
    (repo / "deploy" / "argocd" / "app.yaml").write_text("kind: Application\n")
    _git(repo, "add", ".")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "x")

    found = find_repository(str(repo / "deploy" / "argocd"))
    assert found is not None and found.toplevel == str(repo)
    assert found.names("https://github.com/example/platform")
    assert found.names("https://gitlab.example.com/platform/platform")
    assert not found.names("https://github.com/example/other")
    assert found.relative(str(repo / "deploy" / "argocd" / "app.yaml")) == "deploy/argocd/app.yaml"

    _git(repo, "worktree", "add", "-q", str(tmp_path / "wt"))
    in_worktree = find_repository(str(tmp_path / "wt" / "deploy"))
    assert in_worktree is not None and in_worktree.toplevel == str(tmp_path / "wt")
    assert in_worktree.identities == found.identities


def test_outside_any_repository(tmp_path):
    (tmp_path / "a").mkdir()
    found = find_repository(str(tmp_path / "a"))
    # tmp_path is not inside a git work tree on any sane machine; if it were, the walk would find it
    assert found is None or str(tmp_path).startswith(found.toplevel)
