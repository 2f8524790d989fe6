"""Merge per-version configuration schemas (datagen.gostructs nodes) into one tree with ranges.

A key carries `since`/`until` (the first/last version that has it) only where they differ from its
parent's; a property that changed between versions (type, env, enum) becomes a list of
{value, since, until}.
"""

from __future__ import annotations

import json
from typing import Any

from datagen import ranges

PROPERTIES = ("type", "env", "enum", "deprecated")


def merge(nodes: list[dict | None], versions: list[str], inherited: tuple = (None, None)) -> dict | None:
    present = [node is not None for node in nodes]
    if not any(present):
        return None
    out, here = ranges.span_fields(present, versions, inherited, "until")
    holders = [(node, version) for node, version in zip(nodes, versions) if node is not None]
    held = [version for _, version in holders]
    for prop in PROPERTIES:
        values = [node.get(prop) for node, _ in holders]
        if any(value is not None for value in values):
            out[prop] = ranges.versioned(values, held, key=json.dumps)
    for member in ("items", "values", "additional"):
        children = [node.get(member) if node is not None else None for node in nodes]
        if any(child is not None for child in children):
            out[member] = merge(children, versions, here)
    names = sorted({name for node, _ in holders for name in (node.get("keys") or {})})
    if names:
        keys = {}
        for name in names:
            child = merge([(node.get("keys") or {}).get(name) if node is not None else None for node in nodes], versions, here)
            if child is not None:
                keys[name] = child
        out["keys"] = keys
    return out
