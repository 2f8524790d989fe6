"""One type for every problem any layer finds, and the report of a whole run."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import Enum

from otelstack.source import Location


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


@dataclass(frozen=True)
class Problem:
    """What a rule yields: where and what. The engine adds the rule id and the severity.

    `not_checked`: the rule could not decide here and says why: reported as info whatever the
    rule's severity (never a guess, never silence)."""

    location: Location
    message: str
    hint: str = ""
    not_checked: bool = False


@dataclass(frozen=True, order=True)
class Finding:
    file: str
    line: int
    column: int
    rule: str
    severity: Severity
    message: str
    hint: str = ""
    end_line: int = 0
    end_column: int = 0

    def to_json(self) -> dict:
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "message": self.message,
            "hint": self.hint,
        }


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # every file checked, relative names
    skipped: list = field(default_factory=list)  # loaders.Skipped: what was not read, and why
    root: str = ""  # the common root of the PATHs: every file name is relative to it
    tracebacks: list[str] = field(default_factory=list)  # of internal errors (printed with --debug)
    objects: int = 0  # Kubernetes objects, Argo CD applications and collectors modelled
    rules_run: list[str] = field(default_factory=list)
    suppressed: int = 0
    seconds: float = 0.0

    def counts(self) -> dict[str, int]:
        counter = Counter(f.severity.value for f in self.findings)
        return {level.value: counter.get(level.value, 0) for level in Severity}

    def summary(self) -> dict[str, int]:
        return {**self.counts(), "files": len(self.files), "skipped": len(self.skipped)}

    @property
    def internal_errors(self) -> int:
        return sum(1 for f in self.findings if f.rule == "internal-error")

    def has(self, severity: Severity) -> bool:
        return any(f.severity == severity for f in self.findings)


def listing(items: list[str], shown: int = 4) -> str:
    """Names in a message: all of them up to `shown`, else the first ones and how many more."""
    if len(items) <= shown:
        return ", ".join(items)
    return f"{', '.join(items[:shown - 1])} and {len(items) - shown + 1} more"
