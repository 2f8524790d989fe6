"""Schema versions of the stack definition. Version 1 is the first; later versions add migrations here."""

from __future__ import annotations

from otelstack.errors import UsageError
from otelstack.source import Located


def describe_version_problem(doc: Located, found: int, current: int) -> UsageError:
    where = doc.location(("version",))
    if found > current:
        return UsageError(
            f"stack definition has schema version {found}; this otelstack reads version {current}",
            location=where,
            hint="upgrade otelstack (pip install -U otelstack), or pin the otelstack version this repo was written for",
        )
    return UsageError(
        f"stack definition has schema version {found}, which this otelstack cannot migrate",
        location=where,
        hint=f"set `version: {current}` and compare with `otelstack init --dry-run` output",
    )
