"""Checks a configuration mapping against a generated config schema (Beyla's file, a collector
component's settings) for one version: unknown keys (with the nearest known one), keys the
version does not have, wrong shapes and types, values outside a declared set, deprecated keys.

Schema nodes come from tools/datagen (datagen.gostructs + schemamerge): `type` object/list/map/
string/integer/number/boolean/duration/scalar/any, `keys` (`additional`: the schema of any other
key an object takes), `items`, `values`, `enum`, `deprecated`,
`since`/`until` (inclusive, inherited by children); any property may be versioned.

`split_strings`: the collector's decoder (confmap, every release from 0.90 on) turns a string into
a list by splitting it on commas (mapstructure StringToSliceHookFunc), so a string is a valid list
of single values there; a list of mappings still needs a list.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

from otelstack import versions
from otelstack.knowledge import at
from otelstack.memo import ContentCache, Same
from otelstack.source import dotted, is_unknown

_DURATION = re.compile(r"^[-+]?((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$|^0$")
_TEMPLATE = re.compile(r"\$\{|\{\{")


@dataclass(frozen=True)
class Issue:
    path: tuple  # relative to the checked mapping
    kind: str  # unknown | absent | type | enum | deprecated
    message: str
    hint: str = ""


def check(schema: dict, data: Any, version: str, path: tuple = (), span: tuple = (None, None),
          split_strings: bool = False) -> list[Issue]:
    return list(_CHECKED.get((Same(schema), version, path, span, split_strings), data,
                             lambda: _check(schema, data, version, path, span, split_strings)))


_CHECKED = ContentCache()  # identical settings (a fleet's Beyla and collectors) are checked once


def _check(schema: dict, data: Any, version: str, path: tuple, span: tuple, split_strings: bool) -> list[Issue]:
    out: list[Issue] = []
    _node(schema, data, version, path, span, out, split_strings)
    return out


_SINGLE = ("string", "scalar", "integer", "number", "boolean", "duration", "any")


def _node(schema: dict, data: Any, version: str, path: tuple, span: tuple, out: list[Issue], split: bool = False) -> None:
    if data is None or is_unknown(data) or (isinstance(data, str) and _TEMPLATE.search(data)):
        return
    kind = at(schema.get("type"), version) or "any"
    if split and kind == "list" and isinstance(data, str) and \
            (at((schema.get("items") or {}).get("type"), version) or "any") in _SINGLE:
        return  # decoded as data.split(",")
    shape = _shape_problem(kind, data)
    if shape:
        out.append(Issue(path, "type", f"{dotted(path)} must be {shape[0]}, got {shape[1]}"))
        return
    if kind == "object" and isinstance(data, dict):
        _object(schema, data, version, path, span, out, split)
    elif kind == "list" and isinstance(data, list) and isinstance(schema.get("items"), dict):
        for index, item in enumerate(data):
            _node(schema["items"], item, version, path + (index,), span, out, split)
    elif kind == "map" and isinstance(data, dict) and isinstance(schema.get("values"), dict):
        for key, item in data.items():
            _node(schema["values"], item, version, path + (key,), span, out, split)
    enum = at(schema.get("enum"), version)
    if enum and isinstance(data, (str, bool, int)) and not isinstance(data, dict):
        text = str(data).lower() if isinstance(data, bool) else str(data)
        if text not in [str(e) for e in enum]:
            allowed = ", ".join(repr(e) for e in enum if e != "")
            out.append(Issue(path, "enum", f"{dotted(path)} must be one of {allowed}, got {data!r}"))


def _object(schema: dict, data: dict, version: str, path: tuple, span: tuple, out: list[Issue], split: bool) -> None:
    keys = schema.get("keys") or {}
    for key, value in data.items():
        if not isinstance(key, str) or is_unknown(value) and key not in keys:
            continue
        spec = keys.get(key)
        if spec is None and isinstance(schema.get("additional"), dict):
            _node(schema["additional"], value, version, path + (key,), span, out, split)  # an open mapping
            continue
        if spec is None:
            here = sorted(name for name, other in keys.items() if _exists(other, version, span))
            close = difflib.get_close_matches(key, here, n=1, cutoff=0.6)
            out.append(Issue(path + (key,), "unknown", f"unknown key {dotted(path + (key,))!r}",
                             f"did you mean {dotted(path + (close[0],))!r}?" if close else ""))
            continue
        if not _exists(spec, version, span):
            since, until = spec.get("since", span[0]), spec.get("until", span[1])
            when = f"from {since}" if since and versions.at_least(version, since) is False else f"until {until}"
            out.append(Issue(path + (key,), "absent", f"{dotted(path + (key,))!r} exists only {when}"))
            continue
        deprecated = at(spec.get("deprecated"), version)
        if deprecated:
            out.append(Issue(path + (key,), "deprecated", f"{dotted(path + (key,))} is deprecated", str(deprecated)))
        _node(spec, value, version, path + (key,), (spec.get("since", span[0]), spec.get("until", span[1])), out, split)


def _exists(spec: dict, version: str, span: tuple) -> bool:
    return versions.in_range(version, spec.get("since", span[0]), spec.get("until", span[1])) is not False


def _shape_problem(kind: str, data: Any) -> tuple[str, str] | None:
    got = _describe(data)
    if kind in ("object", "map"):
        return None if isinstance(data, dict) else ("a mapping", got)
    if kind == "list":
        return None if isinstance(data, list) else ("a list", got)
    if kind in ("string", "scalar", "integer", "number", "boolean", "duration") and isinstance(data, (dict, list)):
        return (f"a single value ({kind})" if kind == "scalar" else f"a {kind}", got)
    if kind == "boolean" and isinstance(data, str) and data.lower() not in ("true", "false"):
        return ("a boolean", got)
    if kind in ("integer", "number") and (isinstance(data, bool) or isinstance(data, str) and not re.match(r"^[-+]?\d+(\.\d+)?$", data)):
        return (f"a number", got)
    if kind == "duration" and isinstance(data, str) and not _DURATION.match(data.strip()):
        return ("a duration such as 10s or 1m30s", got)
    if kind == "duration" and isinstance(data, bool):
        return ("a duration such as 10s or 1m30s", got)
    return None


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    return f"the string {value!r}" if len(str(value)) < 40 else "a string"


# Go's strconv.ParseBool, which environment variables of Go programs are parsed with
_GO_BOOL = {"1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False"}


def env_value_problem(schema: dict, key: str, value: str, version: str) -> str | None:
    """What is wrong with `value` as the environment variable setting the dotted `key`: a single
    value of the key's type, or one of its values; None when it fits (or its type is not a single value)."""
    node: Any = schema
    for part in key.split("."):
        node = (node.get("keys") or {}).get(part) if isinstance(node, dict) else None
    if not isinstance(node, dict) or value == "" or _TEMPLATE.search(value) or "$(" in value:
        return None  # an empty variable is an unset one (the env parser skips it)
    kind = at(node.get("type"), version) or "any"
    if kind == "boolean" and value not in _GO_BOOL:
        return f"must be a boolean (true or false), got {value!r}"
    if kind == "integer" and not re.fullmatch(r"[-+]?\d+", value):
        return f"must be an integer, got {value!r}"
    if kind == "number" and not re.fullmatch(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?", value):
        return f"must be a number, got {value!r}"
    if kind == "duration" and not _DURATION.match(value):
        return f"must be a duration such as 10s or 1m30s, got {value!r}"
    enum = at(node.get("enum"), version)
    if enum and kind == "string" and value not in [str(e) for e in enum]:
        return f"must be one of {', '.join(repr(e) for e in enum if e != '')}, got {value!r}"
    return None


def key_names(schema: dict, version: str, path: tuple = ()) -> dict[str, str]:
    """Every key path (dotted) with its environment variable, for one version."""
    found: dict[str, str] = {}

    def visit(node: dict, here: tuple, span: tuple) -> None:
        env = at(node.get("env"), version)
        if env and here:
            found[".".join(here)] = env
        for name, spec in (node.get("keys") or {}).items():
            if _exists(spec, version, span):
                visit(spec, here + (name,), (spec.get("since", span[0]), spec.get("until", span[1])))

    visit(schema, path, (None, None))
    return found
