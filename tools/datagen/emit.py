"""Deterministic YAML for generated data: sorted keys, one stable style, no timestamps.

Written here rather than with yaml.dump so the bytes do not depend on the PyYAML version: a
re-run over the same upstream commits is byte-identical. Leaf mappings and lists of scalars that
fit on a line are written in flow style; strings are quoted only when YAML would read them as
something else.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

import yaml

WIDTH = 120
_PLAIN = re.compile(r"^[A-Za-z0-9_./$^()+\-<>=~ ]+$")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@lru_cache(maxsize=65536)
def scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    text = str(value)
    if text and _PLAIN.match(text) and text == text.strip() and not text.startswith(("-", "<", ">", "=", "~")):
        try:
            if yaml.load(text, Loader=_LOADER) == text:
                return text
        except yaml.YAMLError:
            pass
    return json.dumps(text, ensure_ascii=False)


def _key(key: Any) -> str:
    return scalar(key if isinstance(key, str) else str(key))


def _is_leaf(value: Any) -> bool:
    if isinstance(value, dict):
        return all(not isinstance(v, (dict, list)) for v in value.values())
    if isinstance(value, list):
        return all(not isinstance(v, (dict, list)) for v in value)
    return True


def _flow(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key(k)}: {scalar(v)}" for k, v in _sorted(value)) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(scalar(v) for v in value) + "]"
    return scalar(value)


def _sorted(mapping: dict) -> list[tuple[Any, Any]]:
    return sorted(mapping.items(), key=lambda item: _order(item[0]))


_FIRST = {"since": 0, "until": 1, "removed": 2, "deprecated": 3}


def _order(key: Any) -> tuple:
    """Range keys first (since, until, removed, deprecated); keys that look like versions sort as
    versions (0.9.0 before 0.10.0); the rest as text."""
    text = str(key)
    if text in _FIRST:
        return (-1, _FIRST[text], 0, 0, "", text)
    match = re.match(r"^v?(\d+)\.(\d+)(?:\.(\d+))?(.*)$", text)
    if match:
        return (0, int(match.group(1)), int(match.group(2)), int(match.group(3) or 0), match.group(4), text)
    return (1, 0, 0, 0, "", text)


def _lines(value: Any, indent: int, out: list[str]) -> None:
    pad = " " * indent
    if isinstance(value, dict):
        for key, item in _sorted(value):
            head = f"{pad}{_key(key)}:"
            if isinstance(item, (dict, list)) and item and not (_is_leaf(item) and len(head) + 1 + len(_flow(item)) <= WIDTH):
                out.append(head)
                _lines(item, indent + 2, out)
            else:
                out.append(f"{head} {_flow(item)}")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict) and item and not (_is_leaf(item) and indent + 2 + len(_flow(item)) <= WIDTH):
                sub: list[str] = []
                _lines(item, indent + 2, sub)
                out.append(f"{pad}- {sub[0].lstrip()}")
                out.extend(sub[1:])
            elif isinstance(item, list) and item and not _is_leaf(item):
                sub = []
                _lines(item, indent + 2, sub)
                out.append(f"{pad}- {sub[0].lstrip()}")
                out.extend(sub[1:])
            else:
                out.append(f"{pad}- {_flow(item)}")
    else:
        out.append(pad + scalar(value))


def dump(data: dict, header: str = "") -> str:
    """The provenance block first (who made this, from what), then the data."""
    out = [f"# {line}".rstrip() for line in header.strip().splitlines()] if header.strip() else []
    if "provenance" in data:
        _lines({"provenance": data["provenance"]}, 0, out)
    _lines({k: v for k, v in data.items() if k != "provenance"}, 0, out)
    return "\n".join(out) + "\n"
