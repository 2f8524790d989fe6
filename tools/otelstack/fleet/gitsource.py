"""The git generator's view of the repository being validated, read with git itself.

Argo CD's repo server checks the generator's `revision` out and lists every directory of it
(skipping hidden ones: a name starting with ".") for `directories`, and runs `git ls-files` with
each `files` path as a pathspec (wildcards match across "/", the default; Argo CD's optional
"new globbing" is not modelled). Here the same commit is read from the local clone: an empty
revision or HEAD means the commit the tree being checked is at (`HEAD` of the working tree, the
base commit in `fleet diff`), a branch name the local branch or else a remote's (`origin/<name>`),
then tags and commit ids. Committed content only: uncommitted files are not what Argo CD reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from otelstack.external.git import Git
from otelstack.gitrepo import Repository


class RevisionNotFound(Exception):
    pass


@dataclass
class GitSource:
    repository: Repository
    head: str = "HEAD"  # what an empty revision or HEAD means here
    _git: Git | None = field(default=None, repr=False)
    _commits: dict[str, str | None] = field(default_factory=dict, repr=False)
    _trees: dict[tuple[str, bool], list[str]] = field(default_factory=dict, repr=False)
    _files: dict[tuple[str, str], str | None] = field(default_factory=dict, repr=False)

    @property
    def git(self) -> Git:
        if self._git is None:
            from pathlib import Path

            from otelstack.external import ProcessRunner

            self._git = Git(ProcessRunner(), Path(self.repository.toplevel))
        return self._git

    def names(self, url: object) -> bool:
        return self.repository.names(url)

    def commit(self, revision: object) -> str:
        """The commit a generator revision names in the local clone."""
        text = str(revision or "").strip() or "HEAD"
        if text not in self._commits:
            candidates = [self.head] if text == "HEAD" else [text, f"refs/heads/{text}", *self._remote_branches(text),
                                                             f"refs/tags/{text}"]
            self._commits[text] = next((c for c in (self.git.resolve(candidate) for candidate in candidates) if c), None)
        found = self._commits[text]
        if found is None:
            raise RevisionNotFound(text)
        return found

    def _remote_branches(self, name: str) -> list[str]:
        remotes = [line.strip() for line in self.git.runner.run(["git", "remote"], cwd=self.git.repo, check=False).stdout.splitlines()]
        return [f"refs/remotes/{remote}/{name}" for remote in sorted(remotes, key=lambda r: (r != "origin", r)) if remote]

    def tree(self, commit: str, directories: bool) -> list[str]:
        key = (commit, directories)
        if key not in self._trees:
            self._trees[key] = self.git.tree(commit, directories) or []
        return self._trees[key]

    def directories(self, revision: object) -> list[str]:
        """Every directory of the revision, as the repo server walks them (hidden ones skipped)."""
        found = [d for d in self.tree(self.commit(revision), True) if not any(part.startswith(".") for part in d.split("/"))]
        return sorted(found, key=lambda d: d.split("/"))

    def files(self, revision: object, pattern: str) -> list[str]:
        """`git ls-files -- <pattern>` at the revision."""
        matcher = pathspec(pattern)
        return [f for f in self.tree(self.commit(revision), False) if matcher(f)]

    def read(self, revision: object, path: str) -> str | None:
        commit = self.commit(revision)
        key = (commit, path)
        if key not in self._files:
            self._files[key] = self.git.show(commit, path)
        return self._files[key]


@lru_cache(maxsize=256)
def pathspec(pattern: str):
    """git's default pathspec: a literal path matches itself and everything under it; with
    wildcards (`*`, `?`, `[...]`) fnmatch without FNM_PATHNAME (`*` crosses "/")."""
    pattern = pattern.strip() or "."
    if pattern in (".", "./"):
        return lambda path: True
    pattern = pattern.removeprefix("./")
    if not re.search(r"[*?\[]", pattern):
        literal = pattern.rstrip("/")
        return lambda path: path == literal or path.startswith(literal + "/")
    regex = re.compile(_wildmatch(pattern) + r"\Z", re.S)
    return lambda path: regex.match(path) is not None


def _wildmatch(pattern: str) -> str:
    return _glob(pattern, path_separated=False)


def path_match(pattern: str, name: str) -> bool | None:
    """Go's path.Match (the directories generator): `*` and `?` stop at "/"; None for a bad pattern."""
    try:
        regex = _go_match_regex(pattern)
    except ValueError:
        return None
    return regex.match(name) is not None


@lru_cache(maxsize=256)
def _go_match_regex(pattern: str) -> re.Pattern:
    return re.compile(_glob(pattern, path_separated=True) + r"\Z", re.S)


def _glob(pattern: str, path_separated: bool) -> str:
    """A glob as a regular expression: git's wildmatch without FNM_PATHNAME (`*` crosses "/";
    a bad bracket is literal), or Go's path.Match (`*`, `?` and classes stop at "/"; a bad
    pattern raises ValueError)."""
    star, one = ("[^/]*", "[^/]") if path_separated else (".*", ".")
    out = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            if index + 1 >= len(pattern):
                if path_separated:
                    raise ValueError("bad pattern")
                out.append(re.escape(char))
                break
            out.append(re.escape(pattern[index + 1]))
            index += 2
            continue
        if char == "*":
            out.append(star)
        elif char == "?":
            out.append(one)
        elif char == "[":
            start = index + 1
            negate = pattern[start:start + 1] in (("^",) if path_separated else ("!", "^"))
            body_start = start + (1 if negate else 0)
            if path_separated and pattern[body_start:body_start + 1] == "]":
                raise ValueError("bad pattern")
            close = pattern.find("]", body_start + (0 if path_separated else 1))
            if close < 0:
                if path_separated:
                    raise ValueError("bad pattern")
                out.append(re.escape(char))
                index += 1
                continue
            body = pattern[body_start:close].replace("\\", "\\\\")
            out.append(("(?!/)" if path_separated else "") + "[" + ("^" if negate else "") + body + "]")
            index = close + 1
            continue
        else:
            out.append(re.escape(char))
        index += 1
    return "".join(out)
