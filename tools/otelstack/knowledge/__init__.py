"""Versioned knowledge about the components otelstack deploys, read lazily from the generated
data files (tools/otelstack/data, built by tools/datagen from upstream git tags).

Each data file holds ranges, not snapshots: a key or component carries the versions it exists in
(`since`/`until` inclusive, or `since`/`removed`), and a property that changed between versions is
a list of {value, since, until}. `at()` reads such a property for one version.
"""

from __future__ import annotations

from typing import Any

from otelstack import versions


def is_versioned(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) and "value" in v and "since" in v for v in value)


def at(value: Any, version: str | None) -> Any:
    """A possibly versioned property's value in `version` (the newest value when version is None)."""
    if not is_versioned(value):
        return value
    if version is None:
        return value[-1]["value"]
    for entry in value:
        if versions.in_range(version, entry.get("since"), entry.get("until")):
            return entry["value"]
    return None


def in_span(version: str, span: dict, inherited: tuple[str | None, str | None] = (None, None)) -> bool | None:
    """Whether `version` falls in a node's range: since/until (inclusive) or since/removed (exclusive)."""
    since = span.get("since", inherited[0])
    until = span.get("until", inherited[1] if "removed" not in span else None)
    removed = span.get("removed")
    inside = versions.in_range(version, since, until)
    if inside and removed is not None:
        below = versions.at_least(version, removed)
        return None if below is None else not below
    return inside
