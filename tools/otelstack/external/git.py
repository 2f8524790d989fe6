"""The few git questions otelstack asks (through the common runner)."""

from __future__ import annotations

from pathlib import Path

from otelstack.external.runner import CommandFailed, Runner


class Git:
    def __init__(self, runner: Runner, repo: Path) -> None:
        self.runner = runner
        self.repo = Path(repo)

    def _git(self, *args: str, check: bool = True):
        return self.runner.run(["git", *args], cwd=self.repo, check=check)

    def is_repo(self) -> bool:
        try:
            return self._git("rev-parse", "--is-inside-work-tree", check=False).stdout.strip() == "true"
        except OSError:
            return False

    def toplevel(self) -> Path:
        return Path(self._git("rev-parse", "--show-toplevel").stdout.strip())

    def default_branch(self) -> str | None:
        head = self._git("symbolic-ref", "--quiet", "refs/remotes/origin/HEAD", check=False)
        if head.ok and head.stdout.strip():
            return head.stdout.strip().removeprefix("refs/remotes/")
        for candidate in ("origin/main", "origin/master", "main", "master"):
            if self._git("rev-parse", "--verify", "--quiet", candidate, check=False).ok:
                return candidate
        return None

    def merge_base(self, ref: str) -> str | None:
        result = self._git("merge-base", "HEAD", ref, check=False)
        return result.stdout.strip() or None if result.ok else None

    def resolve(self, ref: str) -> str | None:
        result = self._git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", check=False)
        return result.stdout.strip() if result.ok and result.stdout.strip() else None

    def files_at(self, ref: str, path: str) -> list[str]:
        result = self._git("ls-tree", "-r", "--name-only", ref, "--", path, check=False)
        return [line for line in result.stdout.splitlines() if line] if result.ok else []

    def tree(self, ref: str, directories: bool = False) -> list[str] | None:
        """Every file (or every directory) of a commit, repository-relative; None when `ref` is unknown."""
        args = ["ls-tree", "-r", "-z", "--name-only"] + (["-d"] if directories else []) + [ref]
        result = self._git(*args, check=False)
        return [name for name in result.stdout.split("\0") if name] if result.ok else None

    def show(self, ref: str, path: str) -> str | None:
        try:
            return self._git("show", f"{ref}:{path}").stdout
        except CommandFailed:
            return None
