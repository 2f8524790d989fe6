"""Helm values against what a chart version actually reads (shared by the helm-values-* rules)."""

from __future__ import annotations

import dataclasses
import difflib
import re
from dataclasses import dataclass
from typing import Any, Iterator

from otelstack import versions
from otelstack.charts import ChartKnowledge
from otelstack.memo import LayoutCache, Same
from otelstack.source import Located, Path, dotted, is_unknown
from otelstack.validate.finding import Problem
from otelstack.validate.rules.base import Context, chart_version

SCALARS = (str, int, float, bool)


@dataclass(frozen=True)
class ValuesIssue:
    kind: str  # unknown | absent | not-rendered | type | k8s
    problem: Problem


def checked_sources(ctx: Context) -> Iterator[tuple[Any, Any, ChartKnowledge, str, bool]]:
    """(app, source, chart knowledge, chart version, version known) for sources with known values."""
    for app in ctx.platform.applications:
        for source in app.sources:
            if source.knowledge is None or not source.knowledge.catalogues_values or source.values is None:
                continue
            version, _ = chart_version(source)
            if version is None:
                continue
            yield app, source, source.knowledge, version, source.knowledge.knows_version(version)


def issues(ctx: Context) -> Iterator[ValuesIssue]:
    cache = ctx._cache.setdefault("values-issues", None)
    if cache is None:
        cache = []
        # a fleet's clusters share a few values files: each walked once, its issues placed in every copy
        same_files = LayoutCache(lambda issue: issue.problem.location,
                                 lambda issue, location: ValuesIssue(issue.kind, dataclasses.replace(issue.problem, location=location)))
        for app, source, chart, version, known_version in checked_sources(ctx):
            values = source.values
            cache.extend(same_files.get(values, (Same(chart), version, known_version), lambda: list(
                _walk(ctx, chart, version, known_version, values, (), chart.values or {}, app.label))))
        ctx._cache["values-issues"] = cache
    return iter(cache)


def _walk(ctx: Context, chart: ChartKnowledge, version: str, known_version: bool, values: Located, path: Path,
          specs: dict, app: str) -> Iterator[ValuesIssue]:
    node = values.get(path)
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if is_unknown(value) or not isinstance(key, str):
            continue
        key_path = path + (key,)
        name = dotted(key_path)
        raw = specs.get(key)
        if raw is None:
            if known_version:
                present_here = [k for k in specs if chart.key_exists_in(chart.key(key_path[:-1] + (k,)), version) is not False]
                close = difflib.get_close_matches(key, present_here, n=1, cutoff=0.7) or _same_kind(key, present_here)
                hint = f"did you mean {'.'.join(key_path[:-1] + (close[0],))!r}?" if close else "Helm ignores keys the chart does not read"
                yield ValuesIssue("unknown", Problem(values.key_location(key_path), f"{chart.title} chart {version} has no value {name!r}", hint))
            continue
        spec = chart.key(key_path)
        exists = chart.key_exists_in(spec, version)
        if exists is False and _as_default(chart, key_path, version, value, spec):
            continue  # setting what the chart would do anyway changes nothing
        if exists is False:
            span = f"from chart {spec.since}" if spec.since and versions.at_least(version, spec.since) is False else f"until chart {spec.until}"
            yield ValuesIssue("absent", Problem(values.key_location(key_path),
                                                f"{chart.title} chart {version} does not read {name!r} (it exists {span}): Helm ignores it",
                                                "use a chart version that has it, or remove it"))
            continue
        if value is None:
            continue  # null removes a default: valid Helm
        rendered = chart.key_rendered_in(spec, version)
        if rendered is False and not _as_default(chart, key_path, version, value, spec):
            why = (f"its templates render it only from chart {spec.rendered_since}" if spec.rendered_since
                   else spec.note or "no template reads it")
            yield ValuesIssue("not-rendered", Problem(values.key_location(key_path),
                                                      f"{chart.title} chart {version} ignores {name!r}: {why}",
                                                      "pin a chart version that renders it, or remove it"))
        yield from _type(ctx, chart, version, values, key_path, spec, value)
        if spec.type == "object" and spec.children:
            yield from _walk(ctx, chart, version, known_version, values, key_path, spec.children, app)


_UNSET = object()


def _as_default(chart: ChartKnowledge, path: Path, version: str, value: Any, spec) -> bool:
    """True when a value says what the chart does without it: its documented default (for this
    version), or an empty mapping/list/string for a mapping, list or string key."""
    default = chart.default(".".join(str(p) for p in path), version)
    if default is not None and default == value:
        return True
    empty = {"object": {}, "map": {}, "list": [], "string": ""}.get(spec.type, _UNSET)
    return value == empty


def _type(ctx: Context, chart: ChartKnowledge, version: str, values: Located, path: Path, spec, value: Any) -> Iterator[ValuesIssue]:
    name = dotted(path)
    # a block mapping or list starts on the line after its key: point at the key
    loc = values.key_location(path) if isinstance(value, (dict, list)) else values.location(path)
    expected = spec.type
    problem = None
    if expected in ("object", "map") and not isinstance(value, dict):
        problem = f"{name} must be a mapping, got {_kind(value)}"
    elif expected == "list" and not isinstance(value, list):
        problem = f"{name} must be a list, got {_kind(value)}"
    elif expected == "boolean" and not isinstance(value, bool):
        problem = (f"{name} must be a boolean, got the string {value!r}: in a template every non-empty string is true"
                   if isinstance(value, str) else f"{name} must be a boolean, got {_kind(value)}")
    elif expected == "integer" and (isinstance(value, (dict, list, bool)) or (isinstance(value, str) and not value.strip().isdigit())):
        problem = f"{name} must be a number, got {_kind(value)}"
    elif expected == "string" and isinstance(value, (dict, list)):
        problem = f"{name} must be a string, got {_kind(value)}"
    elif spec.enum and isinstance(value, str) and value not in spec.enum:
        problem = f"{name} must be one of {', '.join(spec.enum)}, got {value!r}"
    if problem:
        yield ValuesIssue("type", Problem(loc, f"{chart.title} chart: {problem}", spec.note))
        return
    member = spec.values if expected == "map" else spec.items if expected == "list" else None
    if member is None:
        return
    members = value.items() if isinstance(value, dict) else enumerate(value)
    for key, item in members:
        if is_unknown(item):
            continue
        item_path = path + (key,)
        if member == "string" and not isinstance(item, SCALARS) and item is not None:
            what = "map values" if expected == "map" else "list items"
            yield ValuesIssue("type", Problem(values.location(item_path),
                                              f"{chart.title} chart: {name} {what} must be strings, got {_kind(item)} at {dotted(item_path)}",
                                              spec.note))
        elif member.startswith("k8s:"):
            definition = member[4:]
            schema = ctx.schemas.definition_schema(definition)
            from otelstack import schemacheck

            for p in schemacheck.check(schema.validator, values, schema=schema.schema, resolve=schema.resolve, base=item_path, data=item):
                short = definition.rsplit(".", 1)[-1]
                message = p.message
                if message.startswith(dotted(item_path) + ": "):
                    message = message[len(dotted(item_path)) + 2 :]
                yield ValuesIssue("k8s", Problem(p.location, f"{chart.title} chart: {dotted(item_path)} must be a Kubernetes {short}: {message}",
                                                 _k8s_hint(short, item)))


def _k8s_hint(kind: str, item: Any) -> str:
    if kind == "Volume" and isinstance(item, str) and ":" in item:
        host = item.split(":", 1)[0]
        return f"write it as an object: {{name: <name>, hostPath: {{path: {host}}}}} plus a volumeMounts entry"
    if kind == "VolumeMount" and isinstance(item, str):
        return "write it as an object: {name: <volume name>, mountPath: <path in the container>}"
    return ""


def _kind(value: Any) -> str:
    from otelstack.schemacheck import type_name

    return f"{type_name(value)} {value!r}" if isinstance(value, SCALARS) and len(repr(value)) < 50 else type_name(value)


def issues_of(ctx: Context, kinds: tuple[str, ...]) -> Iterator[Problem]:
    return (issue.problem for issue in issues(ctx) if issue.kind in kinds)


def _same_kind(key: str, siblings: list[str]) -> list[str]:
    """The one sibling named for the same kind of thing (additionalLabels -> extraLabels): charts
    disagree on the adjective, not on the noun."""
    noun = re.split(r"(?=[A-Z])", key)[-1].lower()
    found = [s for s in siblings if s != key and re.split(r"(?=[A-Z])", s)[-1].lower() == noun]
    return found if len(found) == 1 else []
