"""Shared by the field-test suite and its review script: a case's tree as a user's clone (a git work
tree whose origin is the platform's own repository), validated on each of its runs."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import yaml

from otelstack.errors import UsageError
from otelstack.validate import Options, validate

CASES = Path(__file__).parent / "cases"
OWN_REPOSITORY = "https://github.com/acme-example/platform.git"


def cases() -> list[Path]:
    return sorted(p for p in CASES.iterdir() if (p / "case.yaml").is_file())


def clone(case: Path, into: Path) -> Path:
    """The case's tree in `into`, as a git work tree whose origin is the platform's own repository."""
    tree = into / case.name
    shutil.copytree(case / "tree", tree)
    subprocess.run(["git", "init", "-q", str(tree)], check=True)
    subprocess.run(["git", "-C", str(tree), "remote", "add", "origin", OWN_REPOSITORY], check=True)
    return tree


def runs(case: Path) -> list[dict]:
    return yaml.safe_load((case / "case.yaml").read_text())["runs"]


def observe(tree: Path, paths: list[str]) -> dict:
    """What validate reports on `paths` (relative to the tree): findings as 'severity rule file:line',
    or the usage error (exit 2) it refuses the PATHs with."""
    try:
        report = validate([str(tree / p) for p in paths], Options())
    except UsageError as exc:
        return {"usage_error": exc.message.replace(str(tree) + "/", ""), "findings": [], "messages": {}, "skipped": [], "files": []}
    return {
        "findings": sorted(f"{f.severity.value} {f.rule} {f.file}:{f.line}" for f in report.findings),
        "messages": {f"{f.severity.value} {f.rule} {f.file}:{f.line}": f.message for f in report.findings},
        "skipped": sorted(f"{s.file}: {s.reason}" for s in report.skipped),
        "files": report.files,
        "usage_error": None,
    }
