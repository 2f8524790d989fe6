"""Version strings as the charts and images use them: 1.4.13, v1.16.2, 0.113.0, 1.7.1-alpha.1."""

from __future__ import annotations

import re
from functools import lru_cache

_VERSION = re.compile(r"^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:[-+].*)?$")


@lru_cache(maxsize=8192)  # called for every key of every values file against every range
def parse(version: str) -> tuple[int, int, int] | None:
    match = _VERSION.match(str(version).strip())
    if not match:
        return None
    return tuple(int(part or 0) for part in match.groups())  # type: ignore[return-value]


def at_least(version: str, minimum: str) -> bool | None:
    """None when either side is not a plain version (a range, a branch, an expression)."""
    left, right = parse(version), parse(minimum)
    if left is None or right is None:
        return None
    return left >= right


def in_range(version: str, since: str | None, until: str | None) -> bool | None:
    v = parse(version)
    if v is None:
        return None
    if since is not None and v < (parse(since) or (0, 0, 0)):
        return False
    if until is not None and v > (parse(until) or (0, 0, 0)):
        return False
    return True


def is_exact(version: str) -> bool:
    return bool(re.match(r"^v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$", str(version).strip()))
