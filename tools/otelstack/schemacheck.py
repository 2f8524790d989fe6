"""Check a located document against a JSON schema and say what is wrong, where, in plain words.

Used for the stack definition, the Kubernetes and CRD schemas, and Helm values. Schemas are
compiled once per (schema, registry) and reused: compiling is the expensive part.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any, Iterable

import jsonschema_rs

from otelstack.memo import ContentCache, Same
from otelstack.source import Located, Location, Path, dotted


@dataclass(frozen=True)
class SchemaProblem:
    path: Path
    location: Location
    message: str
    hint: str = ""
    kind: str = ""  # jsonschema keyword: type, enum, required, additionalProperties, ...


_TYPE_NAMES = {
    bool: "boolean",
    int: "integer",
    float: "number",
    str: "string",
    list: "list",
    dict: "mapping",
    type(None): "null",
}


def type_name(value: Any) -> str:
    return _TYPE_NAMES.get(type(value), type(value).__name__)


def compile_schema(schema: dict, registry: Any = None) -> Any:
    if registry is not None:
        return jsonschema_rs.validator_for(schema, registry=registry)
    return jsonschema_rs.validator_for(schema)


def known_keys(schema: dict, instance_path: Iterable[Any], resolve: Any = None) -> list[str]:
    """Property names the schema allows at `instance_path` (for "did you mean" hints)."""
    # Each candidate is (subschema, document it lives in): "#/..." refs resolve in that document.
    nodes: list[tuple[Any, dict]] = [(schema, schema)]
    for part in instance_path:
        following: list[tuple[Any, dict]] = []
        for node, doc in _expand(nodes, resolve):
            if isinstance(part, int):
                items = node.get("items")
                if isinstance(items, dict):
                    following.append((items, doc))
            else:
                prop = node.get("properties", {}).get(part)
                if prop is None and isinstance(node.get("additionalProperties"), dict):
                    prop = node["additionalProperties"]
                if prop is not None:
                    following.append((prop, doc))
        nodes = following
    names: set[str] = set()
    for node, _ in _expand(nodes, resolve):
        names |= set(node.get("properties", {}))
    return sorted(names)


def _expand(nodes: list[tuple[Any, dict]], resolve: Any) -> list[tuple[dict, dict]]:
    """Dereference and flatten allOf/anyOf/oneOf so navigation sees every alternative."""
    out: list[tuple[dict, dict]] = []
    pending = list(nodes)
    while pending and len(out) < 64:
        node, doc = _deref(*pending.pop(0), resolve)
        if not isinstance(node, dict):
            continue
        out.append((node, doc))
        for key in ("allOf", "anyOf", "oneOf"):
            pending.extend((member, doc) for member in node.get(key, []))
    return out


def _deref(node: Any, doc: dict, resolve: Any) -> tuple[Any, dict]:
    for _ in range(20):
        if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
            break
        ref = node["$ref"]
        base, _, fragment = ref.partition("#")
        if base:
            if resolve is None:
                break
            doc = resolve(base + "#")
            if not isinstance(doc, dict):
                return None, {}
        node = doc
        for part in fragment.strip("/").split("/") if fragment.strip("/") else []:
            node = node.get(part, {}) if isinstance(node, dict) else {}
    return node, doc


def check(
    validator: Any,
    doc: Located,
    *,
    schema: dict | None = None,
    resolve: Any = None,
    base: Path = (),
    data: Any = None,
) -> list[SchemaProblem]:
    """Every schema problem in `doc.data` (or `data`, located under `base` in `doc`).

    What is wrong depends only on the data, where it is on the document: identical data (a fleet's
    clusters, its per-cluster manifests) is checked once and its problems placed on each document."""
    instance = doc.data if data is None else data
    found = _CHECKED.get((Same(validator), Same(schema), base), instance, lambda: _problems(validator, instance, schema, resolve, base))
    problems = [SchemaProblem(path, doc.key_location(path) if on_key else doc.location(path), message, hint, kind)
                for path, on_key, message, hint, kind in found]
    problems.sort(key=lambda p: (p.location.line, p.location.column, p.message))
    return problems


_CHECKED = ContentCache()  # problems without locations, by validator, schema, base and data


# A problem before it is placed: (path, at the key (else the value), message, hint, kind)
_Found = tuple[Path, bool, str, str, str]


def _problems(validator: Any, instance: Any, schema: dict | None, resolve: Any, base: Path) -> list[_Found]:
    problems = list(_non_string_keys(instance, base, ()))
    unknown: set[Path] = set()
    instance = _json_ready(instance, (), unknown, bool(problems))
    reported = {(p[0][:-1], _key_text(p[0][-1])) for p in problems}
    for error in validator.iter_errors(instance):
        rel = tuple(error.instance_path)
        if any(rel[: len(u)] == u for u in unknown):
            continue  # about a value known only at apply time (or filled in by another tool): not checked
        problems.extend(p for p in _describe(error, schema, resolve, base, instance)
                        if not (p[4] == "additionalProperties" and (p[0][:-1], p[0][-1]) in reported)
                        and not any(p[0][len(base):len(base) + len(u)] == u for u in unknown))
    return problems


def _non_string_keys(value: Any, base: Path, rel: Path) -> Iterable[_Found]:
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                path = base + rel + (key,)
                shown = "null" if key is None else f"{type_name(key)} {_short(key)}"
                yield (path, True, f"{dotted(base + rel)}: a key must be a string, not {shown}",
                       "quote the key, or complete the `? key` entry", "type")
            yield from _non_string_keys(item, base, rel + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _non_string_keys(item, base, rel + (index,))


def _key_text(key: Any) -> str:
    """A mapping key as the text it was written as (YAML's null, true, 1 read back as strings)."""
    if isinstance(key, str):
        return key
    return "null" if key is None else str(key).lower() if isinstance(key, bool) else str(key)


def _json_ready(value: Any, path: Path, unknown: set[Path], text_keys: bool) -> Any:
    """The instance as the validator takes it (JSON): keys as text when some are not strings, and
    values that are not data (Unknown, Terraform's encoded or file() values) as a placeholder string
    whose path is remembered, so errors about them are dropped."""
    if isinstance(value, dict):
        return {(_key_text(key) if text_keys else key): _json_ready(item, path + (_key_text(key) if text_keys else key,), unknown, text_keys)
                for key, item in value.items()}
    if isinstance(value, list):
        return [_json_ready(item, path + (index,), unknown, text_keys) for index, item in enumerate(value)]
    if isinstance(value, str):
        return value if type(value) is str else str(value)  # text subclasses (a heredoc's text) as text
    if value is None or isinstance(value, (int, float, bool)):
        return value
    unknown.add(path)
    return "(not known before apply)"


def _describe(error: Any, schema: dict | None, resolve: Any, base: Path, instance: Any) -> list[_Found]:
    rel = tuple(error.instance_path)
    path = base + rel
    where = dotted(path)
    kind = type(error.kind).__name__
    value = _get(instance, rel)
    if kind in ("AdditionalProperties", "UnevaluatedProperties"):
        unexpected = list(getattr(error.kind, "unexpected", []) or [])
        allowed = known_keys(schema, rel, resolve) if schema else []
        out = []
        for key in unexpected:
            close = difflib.get_close_matches(str(key), allowed, n=1)
            hint = f"did you mean {close[0]!r}?" if close else (f"allowed keys: {', '.join(allowed)}" if allowed else "")
            out.append((path + (key,), True, f"unknown key {key!r} in {where}", hint, "additionalProperties"))
        return out
    if kind == "Required":
        prop = getattr(error.kind, "property", None)
        prop = prop if isinstance(prop, str) else str(prop).strip('"')
        return [(path, False, f"{where}: missing required key {prop!r}", "", "required")]
    if kind == "Type":
        expected = getattr(error.kind, "types", None)
        expected_text = " or ".join(expected) if isinstance(expected, (list, tuple)) else str(expected or "")
        expected_text = expected_text.replace("object", "mapping").replace("array", "list")
        got = "null" if value is None else f"{type_name(value)} {_short(value)}"
        return [(path, False, f"{where}: expected {expected_text}, got {got}", "", "type")]
    if kind == "Enum":
        options = getattr(error.kind, "options", None)
        if isinstance(options, (list, tuple)):
            text = ", ".join(str(o) for o in options)
        else:
            text = str(options)
        close = difflib.get_close_matches(str(value), [str(o) for o in options], n=1) if isinstance(options, (list, tuple)) else []
        return [(path, False, f"{where}: {_short(value)} is not one of: {text}", f"did you mean {close[0]!r}?" if close else "", "enum")]
    if kind == "Constant":
        return [(path, False, f"{where}: must be {getattr(error.kind, 'expected_value', '')!s}, got {_short(value)}", "", "const")]
    message = error.message
    return [(path, False, f"{where}: {message}", "", kind[:1].lower() + kind[1:])]


def _get(data: Any, path: Path) -> Any:
    for key in path:
        try:
            data = data[key]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
