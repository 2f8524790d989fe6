"""External tools (terraform, helm, kubectl, kind, docker) behind one small runner interface.

Production code takes a `Runner`; tests pass the real `ProcessRunner` where this machine has the
binary, and a `RecordedRunner` (scripted answers, recorded calls) where it does not.
"""

from otelstack.external.runner import (
    CommandFailed,
    ProcessRunner,
    RecordedRunner,
    Result,
    Runner,
    ToolMissing,
    find_tool,
)

__all__ = ["CommandFailed", "ProcessRunner", "RecordedRunner", "Result", "Runner", "ToolMissing", "find_tool"]
