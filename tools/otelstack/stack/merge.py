"""Deep merge of located documents: mappings merge key by key, everything else is replaced.

Locations follow the values: a key set by an override points at the override.
"""

from __future__ import annotations

import copy
import marshal
from typing import Any

from otelstack.source import Located, Path


def merge_located(base: Located, override: Located, at: Path = ()) -> Located:
    """A new document: `override` (a partial document) merged into `base` at path `at`."""
    result = Located(_deep_copy(base.data), base.file, dict(base.locations), dict(base.key_locations))
    _merge_into(result, at, override.data, override, ())
    return result


def _merge_into(result: Located, path: Path, value: Any, source: Located, source_path: Path) -> None:
    current = result.get(path, _MISSING) if path else result.data
    if isinstance(value, dict) and isinstance(current, dict):
        for key, child in value.items():
            result.key_locations[path + (key,)] = source.key_location(source_path + (key,))
            _merge_into(result, path + (key,), child, source, source_path + (key,))
        result.locations.setdefault(path, source.location(source_path))
        return
    _drop_subtree(result, path)
    _set(result, path, _deep_copy(value))
    n = len(source_path)
    for table, target in ((source.locations, result.locations), (source.key_locations, result.key_locations)):
        for p, loc in table.items():
            if p[:n] == source_path:
                target[path + p[n:]] = loc
    result.locations[path] = source.location(source_path)


_MISSING = object()


def _deep_copy(value: Any) -> Any:
    """copy.deepcopy, at C speed for plain data (a fleet merges each cluster's overrides into its
    environment)."""
    try:
        return marshal.loads(marshal.dumps(value))
    except ValueError:  # not plain data (apply-time values, file references)
        return copy.deepcopy(value)


def _drop_subtree(doc: Located, path: Path) -> None:
    n = len(path)
    for table in (doc.locations, doc.key_locations):
        for p in [p for p in table if len(p) > n and p[:n] == path]:
            del table[p]


def _set(doc: Located, path: Path, value: Any) -> None:
    if not path:
        doc.data = value
        return
    node = doc.data
    for key in path[:-1]:
        if not isinstance(node.get(key), dict):
            node[key] = {}
        node = node[key]
    node[path[-1]] = value
