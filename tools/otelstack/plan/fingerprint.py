"""What a saved plan was made from: a content hash of every file that feeds the environment root,
so `otelstack apply` can refuse a plan made from another tree and say which files differ."""

from __future__ import annotations

import hashlib
from pathlib import Path

EXCLUDED_DIRS = {".terraform", ".git"}
EXCLUDED_SUFFIXES = (".tfstate", ".tfstate.backup", ".tfplan", ".tfplan.json", ".lock.hcl", ".log")


def _files(directory: Path):
    if directory.is_file():
        yield directory
        return
    if not directory.is_dir():
        return
    for path in sorted(directory.rglob("*")):
        if any(part in EXCLUDED_DIRS for part in path.relative_to(directory).parts):
            continue
        if path.is_file() and not path.name.endswith(EXCLUDED_SUFFIXES) and ".tfstate" not in path.name:
            yield path


def fingerprint(inputs: list[Path], base: Path) -> dict[str, str]:
    out = {}
    for item in inputs:
        for path in _files(item):
            try:
                rel = path.resolve().relative_to(base.resolve()).as_posix()
            except ValueError:
                rel = str(path.resolve())
            out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def differences(old: dict[str, str], new: dict[str, str]) -> list[str]:
    changed = []
    for path in sorted(set(old) | set(new)):
        if path not in new:
            changed.append(f"{path} (removed)")
        elif path not in old:
            changed.append(f"{path} (added)")
        elif old[path] != new[path]:
            changed.append(f"{path} (changed)")
    return changed
