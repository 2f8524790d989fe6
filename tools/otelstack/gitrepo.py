"""Which git repository a tree belongs to, and whether a URL names it.

Read from the files git itself keeps (no git binary needed): validation runs on a subdirectory as
often as on the top, so the repository is found by walking up to the nearest `.git` (a directory,
or a file pointing at one for worktrees and submodules), and its identity is every remote URL,
normalised so that `git@github.com:o/r.git`, `https://github.com/o/r` and `ssh://git@github.com/o/r`
are the same repository.
"""

from __future__ import annotations

import configparser
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=4096)  # asked for every source of every application: a fleet's are few distinct URLs
def normalize_url(url: str) -> str:
    """A repository URL in one comparable form: https://host/owner/name, lower case, no .git."""
    url = url.strip().lower().removesuffix("/").removesuffix(".git")
    url = re.sub(r"^git\+", "", url)
    url = re.sub(r"^(ssh://)?[^@/:]+@([^:/]+)(:\d+)?[:/]", r"https://\2/", url)
    url = re.sub(r"^(git|http)://", "https://", url)
    return url


@dataclass(frozen=True)
class Repository:
    toplevel: str  # the work tree's root
    git_dir: str  # the repository's own .git directory (for a worktree: its private one)
    common_dir: str  # where config and refs live (shared by worktrees)
    remotes: tuple[str, ...]  # remote URLs as written in the config

    @property
    def identities(self) -> frozenset[str]:
        return frozenset(normalize_url(url) for url in self.remotes)

    def names(self, url: Any) -> bool:
        """True when `url` is one of this repository's remotes."""
        return isinstance(url, str) and bool(url.strip()) and normalize_url(url) in self.identities

    def relative(self, path: str) -> str:
        """`path` relative to the work tree's root, with forward slashes ('' for the root itself)."""
        rel = os.path.relpath(os.path.abspath(path), self.toplevel)
        return "" if rel == "." else rel.replace(os.sep, "/")


def find_repository(path: str) -> Repository | None:
    """The git repository `path` is inside, or None."""
    start = os.path.abspath(path)
    if not os.path.isdir(start):
        start = os.path.dirname(start)
    return _find(start)


@lru_cache(maxsize=256)
def _find(directory: str) -> Repository | None:
    current = directory
    while True:
        marker = os.path.join(current, ".git")
        if os.path.isdir(marker):
            return _repository(current, marker)
        if os.path.isfile(marker):
            git_dir = _gitdir_from_file(marker)
            if git_dir is not None:
                return _repository(current, git_dir)
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def _gitdir_from_file(marker: str) -> str | None:
    try:
        with open(marker, encoding="utf-8", errors="replace") as handle:
            first = handle.readline().strip()
    except OSError:
        return None
    if not first.startswith("gitdir:"):
        return None
    target = first[len("gitdir:"):].strip()
    return os.path.normpath(os.path.join(os.path.dirname(marker), target))


def _repository(toplevel: str, git_dir: str) -> Repository:
    common = git_dir
    commondir_file = os.path.join(git_dir, "commondir")
    if os.path.isfile(commondir_file):
        try:
            with open(commondir_file, encoding="utf-8") as handle:
                common = os.path.normpath(os.path.join(git_dir, handle.read().strip()))
        except OSError:
            pass
    return Repository(toplevel, git_dir, common, _remotes(os.path.join(common, "config")))


def _remotes(config_path: str) -> tuple[str, ...]:
    if not os.path.isfile(config_path):
        return ()
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    try:
        parser.read(config_path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError):
        return ()
    urls = []
    for section in parser.sections():
        if section.startswith("remote ") and "url" in parser[section]:
            urls.append(parser[section]["url"])
    return tuple(urls)
