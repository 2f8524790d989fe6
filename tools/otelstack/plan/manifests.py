"""The rendered manifests of an environment against a git base: one unified diff per file."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from otelstack.external.git import Git


@dataclass
class FileDiff:
    path: str
    status: str  # added | modified | deleted
    diff: str
    added: int
    removed: int

    def to_json(self) -> dict:
        return {"path": self.path, "status": self.status, "added": self.added, "removed": self.removed, "diff": self.diff}


def manifest_diffs(git: Git, base: str, repo_root: Path, directory: str) -> list[FileDiff]:
    """Files under `directory` (repo-relative) at `base` against the working tree."""
    before = {path: git.show(base, path) or "" for path in git.files_at(base, directory)}
    after = {}
    folder = repo_root / directory
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                after[path.relative_to(repo_root).as_posix()] = path.read_text(encoding="utf-8", errors="replace")
    diffs = []
    for path in sorted(set(before) | set(after)):
        old, new = before.get(path), after.get(path)
        if old == new:
            continue
        status = "added" if old is None else "deleted" if new is None else "modified"
        lines = list(difflib.unified_diff((old or "").splitlines(keepends=True), (new or "").splitlines(keepends=True),
                                          fromfile=f"a/{path}" if old is not None else "/dev/null",
                                          tofile=f"b/{path}" if new is not None else "/dev/null"))
        added = sum(1 for line in lines if line.startswith("+") and not line.startswith("+++"))
        removed = sum(1 for line in lines if line.startswith("-") and not line.startswith("---"))
        diffs.append(FileDiff(path, status, "".join(lines), added, removed))
    return diffs
