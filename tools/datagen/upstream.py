"""A bare git directory of an upstream repository, read through one `git cat-file --batch` process.

Every tag and branch a generator resolves is recorded, so the data file can say exactly which
commits its facts came from.
"""

from __future__ import annotations

import os
import subprocess
from functools import lru_cache


class UpstreamError(Exception):
    pass


class UpstreamRepo:
    present = True

    def __init__(self, git_dir: str, name: str) -> None:
        self.git_dir = git_dir
        self.name = name  # owner/name on GitHub
        self.read: dict[str, str] = {}  # ref (tag or branch) -> commit, for provenance
        self._batch: subprocess.Popen | None = None
        self._objects: dict[str, bytes | None] = {}

    # plumbing -----------------------------------------------------------------------------
    def git(self, *args: str) -> str:
        result = subprocess.run(["git", "--git-dir", self.git_dir, *args], capture_output=True, text=True, check=False,
                                env={**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "LC_ALL": "C"})
        if result.returncode != 0:
            raise UpstreamError(f"git {' '.join(args)} in {self.git_dir}: {result.stderr.strip()}")
        return result.stdout

    def _object(self, spec: str) -> bytes | None:
        if spec in self._objects:
            return self._objects[spec]
        if self._batch is None:
            self._batch = subprocess.Popen(["git", "--git-dir", self.git_dir, "cat-file", "--batch"],
                                           stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        assert self._batch.stdin and self._batch.stdout
        self._batch.stdin.write(spec.encode() + b"\n")
        self._batch.stdin.flush()
        header = self._batch.stdout.readline().decode().split()
        if len(header) < 3 or header[1] == "missing":
            data = None
        else:
            size = int(header[2])
            data = self._batch.stdout.read(size)
            self._batch.stdout.read(1)  # the newline after the object
            if header[1] != "blob":
                data = None
        if len(self._objects) < 20000:
            self._objects[spec] = data
        return data

    def close(self) -> None:
        if self._batch is not None:
            self._batch.stdin.close()  # type: ignore[union-attr]
            self._batch.wait()
            self._batch = None

    # what generators use --------------------------------------------------------------------
    def tags(self) -> list[str]:
        return self._tags()

    @lru_cache(maxsize=None)
    def _tags(self) -> list[str]:
        return sorted(line for line in self.git("tag", "--list").splitlines() if line)

    def commit(self, ref: str) -> str:
        """The commit a tag or branch names; recorded for the provenance block."""
        found = self._commit(ref)
        self.read[ref] = found
        return found

    @lru_cache(maxsize=None)
    def _commit(self, ref: str) -> str:
        return self.git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").strip()

    def show(self, ref: str, path: str) -> str | None:
        """The text of a file at a tag, branch or commit; None when it does not exist there."""
        commit = self.commit(ref) if not _is_commit(ref) else ref
        data = self._object(f"{commit}:{path}")
        return None if data is None else data.decode("utf-8", errors="replace")

    def ls_tree(self, ref: str, path: str = "", recursive: bool = True) -> list[str]:
        """File paths under `path` at a ref (directories too when not recursive)."""
        commit = self.commit(ref) if not _is_commit(ref) else ref
        return self._ls_tree(commit, path.rstrip("/"), recursive)

    @lru_cache(maxsize=None)
    def _ls_tree(self, commit: str, path: str, recursive: bool) -> list[str]:
        args = ["ls-tree", "--name-only", "--full-tree"] + (["-r"] if recursive else [])
        target = f"{path}/" if path else ""
        return [line for line in self.git(*args, commit, *(["--", target] if target else [])).splitlines() if line]

    def blobs(self, ref: str, path: str) -> dict[str, str]:
        """{file path: blob id} under `path` at a ref: unchanged files keep their id across tags."""
        commit = self.commit(ref) if not _is_commit(ref) else ref
        return self._blobs(commit, path.rstrip("/"))

    @lru_cache(maxsize=None)
    def _blobs(self, commit: str, path: str) -> dict[str, str]:
        out = {}
        for line in self.git("ls-tree", "-r", "--full-tree", commit, *(["--", f"{path}/"] if path else [])).splitlines():
            meta, _, name = line.partition("\t")
            parts = meta.split()
            if len(parts) == 3 and parts[1] == "blob":
                out[name] = parts[2]
        return out

    def blob_ids(self, ref: str, paths: list[str]) -> dict[str, str]:
        """{path: blob id} for those of `paths` that are files at a ref, in one `ls-tree`: a source
        reading a few files per tag can then parse each distinct blob once."""
        commit = self.commit(ref) if not _is_commit(ref) else ref
        out = {}
        for start in range(0, len(paths), 500):  # keep the argument list short
            for line in self.git("ls-tree", "--full-tree", commit, "--", *paths[start:start + 500]).splitlines():
                meta, _, name = line.partition("\t")
                parts = meta.split()
                if len(parts) == 3 and parts[1] == "blob":
                    out[name] = parts[2]
        return out

    def blob(self, blob_id: str) -> str:
        data = self._object(blob_id)
        return "" if data is None else data.decode("utf-8", errors="replace")

    def grep(self, ref: str, pattern: str, *paths: str) -> list[str]:
        """Files at a ref whose text matches an extended regular expression."""
        commit = self.commit(ref) if not _is_commit(ref) else ref
        result = subprocess.run(["git", "--git-dir", self.git_dir, "grep", "-l", "-E", pattern, commit, "--", *paths],
                                capture_output=True, text=True, check=False)
        if result.returncode not in (0, 1):
            raise UpstreamError(f"git grep at {ref}: {result.stderr.strip()}")
        return sorted(line.split(":", 1)[1] for line in result.stdout.splitlines() if ":" in line)

    def log(self, ref: str, path: str) -> list[str]:
        """Commits (newest first) on the first-parent history of `ref` that changed `path`."""
        commit = self.commit(ref)
        return [line for line in self.git("log", "--first-parent", "--format=%H", commit, "--", path).splitlines() if line]


def _is_commit(ref: str) -> bool:
    return len(ref) == 40 and all(c in "0123456789abcdef" for c in ref)


class AbsentRepo:
    """An optional repository (a source's OPTIONAL_REPOSITORIES) with no mirror here: the source
    falls back to what it can derive without it, and the provenance says it was not read."""

    present = False

    def __init__(self, name: str, reason: str) -> None:
        self.name = name
        self.reason = reason
        self.read: dict[str, str] = {}

    def close(self) -> None:
        pass


def mirror_dir(root: str, name: str) -> str:
    return os.path.join(root, name.replace("/", "+"), "repo")


def open_optional(root: str, name: str) -> UpstreamRepo | AbsentRepo:
    git_dir = mirror_dir(root, name)
    if os.path.isdir(git_dir):
        return UpstreamRepo(git_dir, name)
    return AbsentRepo(name, "no mirror of it was fetched")  # no local path: the reason goes into committed data


def open_mirror(root: str, name: str) -> UpstreamRepo:
    """The fetched mirror of `owner/name` under `root` (`<root>/<owner>+<name>/repo`)."""
    git_dir = mirror_dir(root, name)
    if not os.path.isdir(git_dir):
        raise UpstreamError(f"no mirror of {name} at {git_dir}: fetch it first (the search tool's `fetch github:{name}`)")
    return UpstreamRepo(git_dir, name)
