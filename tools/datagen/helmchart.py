"""What a Helm chart reads, version by version: its values keys (and their types), which keys its
templates render, its appVersion and chosen defaults. Shared by the chart sources.

A key's type comes from its default in values.yaml, refined by a helm-docs `# -- (type)` comment
for null defaults, by values.schema.json where the chart ships one, and by how the templates use
it: a value handed whole to `toYaml`, `tpl` or `range` is free-form (`map`); a mapping read key
by key is an `object` with known children.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from datagen import ranges
from datagen.upstream import UpstreamRepo

_REF = re.compile(r"\$?\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)")
_WHOLE = (
    re.compile(r"toYaml\s+\(?\s*\$?\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)\s*\)?\s*(?:\||}})"),
    re.compile(r"\$?\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)\s*\|\s*toYaml"),
    re.compile(r"range\s+\$\w+\s*,\s*\$\w+\s*:=\s*\$?\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)"),
    re.compile(r"tpl\s+\(\s*toYaml\s+\$?\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)"),
    re.compile(r"(?:deepCopy|mustDeepCopy|toJson|toPrettyJson|toRawJson)\s+\$?\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)"),
)
# values put in a list with others and ranged over (`prepend .Values.x.extra .Values.x`): read through
# an alias the scan cannot follow, so free-form
_LISTED = re.compile(r"(?:prepend|append)\s+\$?\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)\s+\$?\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)")
_WITH = re.compile(r"with\s+\$?\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)\s*-?}}(.{0,200}?)\{\{-?\s*end", re.S)
_HINT = re.compile(r"#\s*--\s*\(([A-Za-z\[\]/]+)\)")
_HINT_TYPES = {"string": "string", "int": "integer", "integer": "integer", "bool": "boolean", "boolean": "boolean",
               "list": "list", "map": "map", "object": "map", "tpl/string": "string", "tpl/list": "list", "tpl/object": "map",
               "float": "number", "number": "number"}


@dataclass
class Snapshot:
    """One chart version as published."""

    version: str
    app_version: str
    values: dict
    hints: dict[tuple, str]  # key path -> type from a helm-docs comment
    references: set[tuple]  # key paths the templates read
    whole: set[tuple]  # key paths the templates hand whole to toYaml/tpl/range
    schema: dict | None  # values.schema.json
    raw: dict = field(default_factory=dict)


def snapshot(repo: UpstreamRepo, ref: str, path: str) -> Snapshot | None:
    chart = yaml.safe_load(repo.show(ref, f"{path}/Chart.yaml") or "null")
    values_text = repo.show(ref, f"{path}/values.yaml")
    if not isinstance(chart, dict) or values_text is None:
        return None
    values = yaml.safe_load(values_text) or {}
    templates = [repo.show(ref, name) or "" for name in repo.ls_tree(ref, path) if _is_template(name[len(path) + 1:])]
    text = "\n".join(templates)
    # `.Values.Values...` is a helper's own dict wrapping the values, not a key
    references = {tuple(match.group(1)[1:].split(".")) for match in _REF.finditer(text)
                  if match.group(1).split(".")[1] != "Values"}
    whole = {tuple(match.group(1)[1:].split(".")) for pattern in _WHOLE for match in pattern.finditer(text)}
    for match in _LISTED.finditer(text):
        whole.update(tuple(group[1:].split(".")) for group in match.groups())
    for match in _WITH.finditer(text):
        if re.search(r"toYaml\s+\.\s|toYaml\s+\.\s*}}|toYaml\s+\.\s*\||tpl\s+\(toYaml\s+\.\)", match.group(2)):
            whole.add(tuple(match.group(1)[1:].split(".")))
    schema_text = repo.show(ref, f"{path}/values.schema.json")
    return Snapshot(str(chart.get("version")), str(chart.get("appVersion", "")), values if isinstance(values, dict) else {},
                    _hints(values_text), references, whole, json.loads(schema_text) if schema_text else None)


def _is_template(relative: str) -> bool:
    """Files a chart renders from: templates/, and files its templates load (conf/ with .Files.Get)."""
    if relative.startswith(("ci/", "examples/", "charts/")) or "/" not in relative and (
            relative.startswith("values") or relative in ("Chart.yaml", "Chart.lock")):
        return False
    return relative.endswith((".yaml", ".yml", ".tpl", ".txt", ".json"))


def _hints(text: str) -> dict[tuple, str]:
    """helm-docs `# -- (type)` comments, by the key path they document."""
    found: dict[tuple, str] = {}
    try:
        root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return found
    lines = text.splitlines()

    def visit(node: Any, path: tuple) -> None:
        if not isinstance(node, yaml.MappingNode):
            return
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode):
                continue
            here = path + (key.value,)
            line = key.start_mark.line - 1
            while 0 <= line < len(lines) and lines[line].strip().startswith("#"):
                match = _HINT.search(lines[line])
                if match and match.group(1) in _HINT_TYPES:
                    found[here] = _HINT_TYPES[match.group(1)]
                    break
                line -= 1
            visit(value, here)

    visit(root, ())
    return found


def _schema_type(schema: dict | None, path: tuple) -> str | None:
    node = schema
    for part in path:
        if not isinstance(node, dict):
            return None
        node = (node.get("properties") or {}).get(part)
    if not isinstance(node, dict):
        return None
    kind = node.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        kind = kinds[0] if len(kinds) == 1 else None
    return {"string": "string", "integer": "integer", "number": "number", "boolean": "boolean", "array": "list",
            "object": "object"}.get(kind) if isinstance(kind, str) else None


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "object" if value else "map"
    return "any"


def _flatten(snap: Snapshot) -> dict[tuple, dict]:
    """key path -> {type, items?} for one version."""
    out: dict[tuple, dict] = {}

    def visit(node: dict, path: tuple) -> None:
        for key, value in node.items():
            if not isinstance(key, str):
                continue
            here = path + (key,)
            kind = _kind(value)
            schema_kind = _schema_type(snap.schema, here)
            if here in snap.hints and value is None:
                kind = snap.hints[here]
            if schema_kind and kind == "any":
                kind = "map" if schema_kind == "object" else schema_kind
            if kind == "object" and (here in snap.whole or any(here[: n] in snap.whole for n in range(1, len(here)))):
                kind = "map"
            spec: dict = {"type": kind}
            if kind == "list" and value and all(isinstance(item, str) for item in value):
                spec["items"] = "string"
            out[here] = spec
            if kind == "object":
                visit(value, here)

    visit(snap.values, ())
    # Keys the templates read that values.yaml does not list are still read: catalogue them too.
    for ref in sorted(snap.references | snap.whole):
        for depth in range(1, len(ref) + 1):
            prefix = ref[:depth]
            known = out.get(prefix)
            if known is not None:
                if known["type"] != "object":
                    break  # inside a free-form value or a scalar: not a values key of its own
                continue
            last = depth == len(ref)
            out[prefix] = {"type": ("map" if prefix in snap.whole else "any") if last else "object"}
    return out


def _rendered(snap: Snapshot, path: tuple) -> bool:
    """Whether any template reads the key, an ancestor of it, or a descendant of it."""
    for ref in snap.references:
        if ref[: len(path)] == path or path[: len(ref)] == ref:
            return True
    return False


def merge(snapshots: list[Snapshot]) -> dict:
    """Every version's keys as one tree with since/until (chart versions; children inherit their
    parent's unless they say otherwise), renderedSince / rendered: false."""
    versions = [s.version for s in snapshots]
    flat = [_flatten(s) for s in snapshots]
    paths = sorted({path for f in flat for path in f}, key=lambda p: (len(p), p))
    tree: dict = {}
    effective: dict[tuple, tuple] = {(): (versions[0], None)}
    for path in paths:
        present = [path in f for f in flat]
        spans = ranges.inclusive_spans(present, versions)
        spec = dict(next(f[path] for f in reversed(flat) if path in f))
        parent_since, parent_until = effective.get(path[:-1], (versions[0], None))
        since, until = spans[0]["since"], spans[-1].get("until")
        if since != parent_since:
            spec["since"] = since
        if until != parent_until:
            spec["until"] = until
        effective[path] = (since, until)
        holders = [s for s, is_here in zip(snapshots, present) if is_here]
        rendered = [_rendered(s, path) for s in holders]
        if not any(rendered):
            spec["rendered"] = False
        elif not all(rendered):
            span = ranges.inclusive_spans(rendered, [s.version for s in holders])[-1]  # the latest run
            if span["since"] != holders[0].version:
                spec["renderedSince"] = span["since"]
            if span.get("until"):
                spec["renderedUntil"] = span["until"]
        parent = _lookup(tree, path[:-1]) if path[:-1] else None
        if path[:-1] and (parent is None or parent.get("type") != "object"):
            continue  # the parent became free-form in a later version: its old children are not catalogued
        (parent.setdefault("keys", {}) if parent is not None else tree)[path[-1]] = spec
    return tree


def _lookup(tree: dict, path: tuple) -> dict | None:
    node: dict | None = None
    level: dict = tree
    for part in path:
        node = level.get(part)
        if node is None:
            return None
        level = node.get("keys") or {}
    return node


def apply_overrides(tree: dict, overrides: dict) -> None:
    """Hand knowledge per key (dotted path): type, items/values, enum, note."""
    for dotted, extra in (overrides or {}).items():
        node = _lookup(tree, tuple(dotted.split(".")))
        if node is None:
            raise ValueError(f"hand override for {dotted!r}: the chart has no such key in any version")
        node.update(extra)
        if node.get("type") != "object":
            node.pop("keys", None)


def default_ranges(snapshots: list[Snapshot], dotted: str) -> list[dict]:
    """The default of one key per version, as [{since?, until?, value}]."""
    path = tuple(dotted.split("."))
    versions = [s.version for s in snapshots]
    values = []
    for snap in snapshots:
        node: Any = snap.values
        for part in path:
            node = node.get(part) if isinstance(node, dict) else None
        values.append(node)
    return ranges.runs(values, versions)


def chart_data(chart: str, known: dict, snapshots: list[Snapshot]) -> dict:
    """A chart's data file body: where it is published, its versions, values keys, defaults."""
    values = merge(snapshots)
    apply_overrides(values, known.get("keys"))
    data = {
        "chart": chart,
        "title": known["title"],
        "sources": known["sources"],
        "valuesSchema": snapshots[-1].schema is not None,
        "appVersions": {s.version: s.app_version for s in snapshots},
        "values": values,
    }
    defaults = {key: [dict(entry, **({"note": notes[entry["value"]]} if entry["value"] in notes else {}))
                      for entry in default_ranges(snapshots, key)]
                for key, notes in sorted((known.get("defaults") or {}).items())}
    if defaults:
        data["defaults"] = defaults
    return data
