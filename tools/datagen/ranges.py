"""Per-version snapshots -> ranges: a fact and the versions it holds in, written once."""

from __future__ import annotations

import re
from typing import Any, Callable, Iterable

_VERSION = re.compile(r"^v?(\d+)\.(\d+)\.(\d+)$")


def parse(version: str) -> tuple[int, int, int] | None:
    match = _VERSION.match(version)
    return (int(match.group(1)), int(match.group(2)), int(match.group(3))) if match else None


def release_tags(tags: Iterable[str], prefix: str = "v", minimum: str | None = None) -> list[tuple[str, str]]:
    """(version, tag) of plain release tags `<prefix>X.Y.Z` (no pre-releases), oldest first."""
    floor = parse(minimum) if minimum else None
    found = []
    for tag in tags:
        if not tag.startswith(prefix):
            continue
        version = tag[len(prefix):]
        parsed = parse(version)
        if parsed is None or (floor is not None and parsed < floor):
            continue
        found.append((parsed, version.lstrip("v"), tag))
    return [(version, tag) for _, version, tag in sorted(found)]


def spans(present: list[bool], versions: list[str], end: str = "removed") -> list[dict[str, str]]:
    """Runs of True as [{since, <end>?}]: `removed` is the first version without it (exclusive),
    `until` the last version with it (inclusive)."""
    out: list[dict[str, str]] = []
    start = None
    for index, here in enumerate(list(present) + [False]):
        if here and start is None:
            start = index
        elif not here and start is not None:
            run = {"since": versions[start]}
            if index < len(versions):
                run[end] = versions[index] if end == "removed" else versions[index - 1]
            out.append(run)
            start = None
    return out


def inclusive_spans(present: list[bool], versions: list[str]) -> list[dict[str, str]]:
    return spans(present, versions, "until")


def span_fields(present: list[bool], versions: list[str], inherited: tuple, end: str) -> tuple[dict, tuple]:
    """A node's first `since` and last `until`/`removed`, written only where they differ from its
    parent's (`inherited`); returns (fields, the node's own span for its children)."""
    found = spans(present, versions, end)
    since, last = found[0]["since"], found[-1].get(end)
    fields = {}
    if since != (inherited[0] or versions[0]):
        fields["since"] = since
    if last is not None and last != inherited[1]:
        fields[end] = last
    return fields, (since, last)


def versioned(values: list[Any], versions: list[str], key: Callable[[Any], Any] = repr) -> Any:
    """One value when every version agrees, else [{value, since, until}] (None entries skipped)."""
    runs: list[dict] = []
    for version, value in zip(versions, values):
        if value is None:
            continue
        if runs and key(runs[-1]["value"]) == key(value) and runs[-1]["_next"] == version:
            runs[-1]["until"] = version
        else:
            runs.append({"value": value, "since": version, "until": version})
        runs[-1]["_next"] = _after(versions, version)
    for run in runs:
        run.pop("_next")
    if len({key(run["value"]) for run in runs}) <= 1:
        return runs[0]["value"] if runs else None
    return runs


def _after(versions: list[str], version: str) -> str | None:
    index = versions.index(version)
    return versions[index + 1] if index + 1 < len(versions) else None


def runs(values: list[Any], versions: list[str], skip_none: bool = False) -> list[dict]:
    """Consecutive versions with an equal value as [{value, since?, until?}], oldest first; the
    bounds at the ends of `versions` are left out. With `skip_none`, None means absent (a gap)."""
    out: list[dict] = []
    previous = None
    for index, (version, value) in enumerate(zip(versions, values)):
        if skip_none and value is None:
            previous = None
            continue
        if previous is not None and out[-1]["value"] == value:
            out[-1]["until"] = version
        else:
            out.append({"value": value, "since": version, "until": version})
        previous = index
    for entry in out:
        if entry["since"] == versions[0]:
            del entry["since"]
        if entry["until"] == versions[-1]:
            del entry["until"]
    return out
