"""A Terraform resource block of the argocd provider against the provider's schema, for the
provider versions the tree's version constraint admits (shared by tf-argocd-schema and
tf-argocd-provider-version)."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any, Iterator

from otelstack.hcl import Encoded, FileRef
from otelstack.source import Located, Location, Path, is_unknown
from otelstack.validate.rules._terraform import (
    cluster_resources,
    configures_provider,
    locked_version,
    module_and_callers,
    requirements_for,
)
from otelstack.validate.rules.base import Context

# Reported with more to say by argocd-app-metadata and argocd-app-destination.
ELSEWHERE = {("metadata",), ("spec", "destination")}


@dataclass(frozen=True)
class TfIssue:
    partial: bool  # True: only some admitted provider versions reject it (a warning, not an error)
    location: Location
    message: str
    hint: str = ""


@dataclass(frozen=True)
class Admitted:
    versions: tuple[str, ...]
    label: str  # how they were chosen, for messages
    constraint: str = ""  # the constraint text(s), quoted


def admitted(ctx: Context, file_path: str) -> Admitted:
    key = ("tf-admitted", file_path.rsplit("/", 1)[0] if "/" in file_path else "")
    if key not in ctx._cache:
        ctx._cache[key] = _admitted(ctx, file_path)
    return ctx._cache[key]


def _admitted(ctx: Context, file_path: str) -> Admitted:
    from otelstack.knowledge.provider import describe, parse_constraint, schema

    known = schema().versions
    directory = file_path.rsplit("/", 1)[0] if "/" in file_path else ""
    modules = module_and_callers(ctx, directory)
    locked = locked_version(ctx, modules)
    if locked is not None:
        if locked in known:
            return Admitted((locked,), f"provider {locked} (.terraform.lock.hcl)")
        return Admitted((), f"provider {locked} from .terraform.lock.hcl, a version otelstack has no schema for ({describe(list(known))})")
    requirements = requirements_for(ctx, file_path)
    if not requirements:
        if len(modules) > 1 or configures_provider(ctx, directory):
            return Admitted((known[-1],), f"provider {known[-1]} (the newest; no version constraint in this tree)")
        # a module nothing in the tree calls, and that does not configure the provider: its caller
        # (a root module elsewhere, and its lock file) chooses the provider version
        return Admitted((), "the provider version is not known: no version constraint here or in a module that calls this one, "
                            "no .terraform.lock.hcl, and no provider block that makes this the root module")
    constraints = [c for c in (parse_constraint(r.constraint) for r in requirements) if c is not None]
    chosen = tuple(v for v in known if all(c.admits(v) for c in constraints))
    text = " and ".join(sorted({f'"{r.constraint}"' for r in requirements}))
    return Admitted(chosen, f"the provider versions {text} admits ({describe(list(chosen))})", text)


def resources(ctx: Context) -> Iterator[tuple[str, str, Located, str]]:
    """(resource type, address, raw block, file path) of every argocd resource written in Terraform."""
    for app in ctx.platform.argocd_applications:  # not helm_release deployments, modelled in the same shape
        if app.origin == "terraform" and app.raw is not None:
            yield "argocd_application", app.address, app.raw, app.file.path
    for appset in ctx.platform.application_sets:
        if appset.origin == "terraform" and appset.raw is not None:
            yield "argocd_application_set", appset.address, appset.raw, appset.file.path
    for cluster in cluster_resources(ctx):
        yield "argocd_cluster", cluster.address, cluster.doc, cluster.doc.file


def issues(ctx: Context) -> list[TfIssue]:
    if "tf-schema-issues" not in ctx._cache:
        from otelstack.knowledge.provider import schema

        found: list[TfIssue] = []
        for resource, address, raw, path in resources(ctx):
            node = schema().resource(resource)
            if node is None:
                continue
            versions = admitted(ctx, path)
            if not versions.versions:
                continue  # knowledge-not-checked says the constraint admits no version otelstack knows
            _Walker(raw, address, versions, found).body(node, raw.data, (), (None, None), top=True)
        ctx._cache["tf-schema-issues"] = found
    return ctx._cache["tf-schema-issues"]


class _Walker:
    def __init__(self, raw: Located, address: str, versions: Admitted, out: list[TfIssue]) -> None:
        from otelstack.knowledge.provider import schema

        self.schema = schema()
        self.raw = raw
        self.address = address
        self.versions = versions
        self.newest = versions.versions[-1]
        self.out = out

    # helpers
    def _where(self, path: Path) -> str:
        return ".".join(str(p) for p in path if not isinstance(p, int) and p != "content").replace("dynamic ", "") or "the resource"

    def _error(self, location: Location, message: str, hint: str = "") -> None:
        self.out.append(TfIssue(False, location, f"{self.address}: {message}", hint))

    def _written_as_block(self, path: Path) -> bool:
        value = self.raw.locations.get(path)
        key = self.raw.key_locations.get(path)
        return value is not None and key is not None and (value.line, value.column) == (key.line, key.column)

    def _gate(self, spec: dict, span: tuple, name: str, path: Path) -> tuple | None:
        """Checks the admitted versions have it; returns its span, or None when none of them has it."""
        from otelstack.knowledge.provider import describe

        have = self.schema.available(spec, span)
        missing = [v for v in self.versions.versions if v not in have]
        where = self.raw.key_location(path)
        if missing and len(missing) == len(self.versions.versions):
            since, removed = spec.get("since", span[0]), spec.get("removed", span[1])
            exists = f"it exists from {since}" if since and not removed else f"it exists until {removed} (removed there)" if removed and not since else f"it exists in {describe(have)}"
            self._error(where, f"{self._where(path[:-1])} {name!r} is not in {self.versions.label}: {exists}",
                        "change the provider version constraint, or remove it")
            return None
        if missing:
            self.out.append(TfIssue(True, where, f"{self.address}: {self._where(path[:-1])} {name!r} is not in provider {describe(missing)}, "
                                                 f"which {self.versions.constraint} admits: terraform validate fails there",
                                    f"it exists in {describe([v for v in self.versions.versions if v in have])}: require those versions"))
        return self.schema.span(spec, span)

    # the walk
    def body(self, node: dict, data: Any, path: Path, span: tuple, top: bool = False, generators: int = 0) -> None:
        from otelstack.knowledge.provider import META_ARGUMENTS

        node = self.schema.resolve(node)
        if not isinstance(data, dict):
            return
        attributes, blocks = node.get("attributes") or {}, node.get("blocks") or {}
        for key, value in data.items():
            if top and key in META_ARGUMENTS:
                continue
            key_path = path + (key,)
            if key.startswith("dynamic "):
                name = key[8:]
                if name in blocks:
                    spec = self.schema.resolve(blocks[name])
                    inner = self._gate(spec, span, name, key_path)
                    if inner is None:
                        continue
                    for index, item in enumerate(value if isinstance(value, list) else []):
                        content = item.get("content") if isinstance(item, dict) else None
                        if isinstance(content, list) and content:
                            self.body(spec, content[0], key_path + (index, "content", 0), inner, generators=generators + (name == "generator"))
                elif name in attributes:
                    self._error(self.raw.key_location(key_path), f"{self._where(path)} {name!r} is an argument, not a block: `dynamic` cannot generate it",
                                f"set it directly: {name} = ...")
                else:
                    self._unknown(name, key_path, path, node, span, generators)
                continue
            as_block = self._written_as_block(key_path)
            if key in blocks:
                spec = self.schema.resolve(blocks[key])
                inner = self._gate(spec, span, key, key_path)
                if inner is None:
                    continue
                if not as_block:
                    self._error(self.raw.key_location(key_path), f"{self._where(path)} {key!r} is a block, not an argument: `{key} = ...` fails terraform validate",
                                f"write it as a block: {key} {{ ... }}")
                    continue
                if spec.get("computed"):
                    self._error(self.raw.key_location(key_path), f"{self._where(path)} {key!r} is set by the provider (read-only)", "remove it")
                    continue
                items = value if isinstance(value, list) else []
                self._count(spec, items, key, key_path, path, dynamic=f"dynamic {key}" in data)
                for index, item in enumerate(items):
                    self.body(spec, item, key_path + (index,), inner, generators=generators + (key == "generator"))
            elif key in attributes:
                spec = attributes[key]
                if self._gate(spec, span, key, key_path) is None:
                    continue
                if as_block:
                    self._error(self.raw.key_location(key_path), f"{self._where(path)} {key!r} is an argument, not a block",
                                f"write it as an argument: {key} = ...")
                    continue
                if self.schema.prop(spec, "computed", self.newest):
                    self._error(self.raw.key_location(key_path), f"{self._where(path)} {key!r} is set by the provider (read-only)", "remove it")
                    continue
                self._value(spec, value, key, key_path, path)
            else:
                self._unknown(key, key_path, path, node, span, generators)
        self._required(node, data, path, span)

    def _unknown(self, key: str, key_path: Path, path: Path, node: dict, span: tuple, generators: int) -> None:
        names = sorted(name for group in ("attributes", "blocks") for name, spec in (node.get(group) or {}).items()
                       if set(self.versions.versions) & set(self.schema.available(self.schema.resolve(spec), span)))
        if key in ("matrix", "merge") and generators:
            levels = self.schema.generator_levels
            levels = levels if isinstance(levels, int) else "a few"
            self._error(self.raw.key_location(key_path), f"{self._where(path)}: a {key} generator cannot go here: the provider "
                                                         f"nests generators at most {levels} levels deep, and this would open level {generators + 1}",
                        "flatten the generators, or move this one up a level")
            return
        close = difflib.get_close_matches(key, names, n=1)
        self._error(self.raw.key_location(key_path), f"{self._where(path)} has no argument or block {key!r}",
                    f"did you mean {close[0]!r}?" if close else f"{self._where(path)} takes: {', '.join(names) or 'nothing'}")

    def _count(self, spec: dict, items: list, key: str, key_path: Path, path: Path, dynamic: bool) -> None:
        maximum = self.schema.prop(spec, "max", self.newest)
        minimum = self.schema.prop(spec, "min", self.newest) if self.schema.prop(spec, "required", self.newest) else None
        if dynamic:
            return
        if minimum and maximum and minimum == maximum and len(items) != minimum:
            self._error(self.raw.key_location(key_path), f"{self._where(path)} takes exactly {minimum} {key} blocks, found {len(items)}",
                        "a matrix generator combines exactly two generators" if key == "generator" else "")
        elif maximum and len(items) > maximum:
            self._error(self.raw.location(key_path + (maximum,)), f"{self._where(path)} takes at most {maximum} {key} block{'s' if maximum > 1 else ''}, found {len(items)}")
        elif minimum and len(items) < minimum:
            self._error(self.raw.key_location(key_path), f"{self._where(path)} needs at least {minimum} {key} blocks, found {len(items)}")

    def _required(self, node: dict, data: dict, path: Path, span: tuple) -> None:
        clean = tuple(p for p in path if not isinstance(p, int) and p != "content")
        where = self.raw.key_location(path[:-1]) if path and isinstance(path[-1], int) else self.raw.location(path)
        for group in ("attributes", "blocks"):
            for name, spec in (node.get(group) or {}).items():
                spec = self.schema.resolve(spec)
                if clean + (name,) in ELSEWHERE or name in data or f"dynamic {name}" in data:
                    continue
                if not self.schema.prop(spec, "required", self.newest):
                    continue
                if self.newest not in self.schema.available(spec, span):
                    continue
                kind = "block" if group == "blocks" else "argument"
                self._error(where, f"{self._where(path)} needs the {kind} {name!r}: terraform validate fails without it",
                            f"add {name} {{ ... }}" if kind == "block" else f"add {name} = ...")

    def _value(self, spec: dict, value: Any, key: str, key_path: Path, path: Path) -> None:
        if value is None or is_unknown(value) or isinstance(value, FileRef):
            return
        kind = self.schema.prop(spec, "type", self.newest)
        elem = self.schema.prop(spec, "elem", self.newest)
        problem = _type_problem(kind, value)
        if problem:
            self._error(self.raw.location(key_path), f"{self._where(path)} {key!r} must be {problem[0]}, got {problem[1]}",
                        f"write it as {_example(kind, key)}")
            return
        if kind in ("list", "set") and elem in ("string", "number", "bool") and isinstance(value, list):
            for index, item in enumerate(value):
                item_problem = _type_problem(elem, item)
                if item_problem:
                    self._error(self.raw.location(key_path + (index,)), f"{self._where(path)} {key!r} items must be {item_problem[0]}s, got {item_problem[1]}")
        if kind == "map" and elem in ("string", "number", "bool") and isinstance(value, dict):
            for name, item in value.items():
                item_problem = _type_problem(elem, item)
                if item_problem:
                    self._error(self.raw.location(key_path + (name,)), f"{self._where(path)} {key!r} values must be {item_problem[0]}s, got {item_problem[1]}")
        enum = self.schema.prop(spec, "enum", self.newest)
        if enum and isinstance(value, str) and not isinstance(value, Encoded) and "${" not in value and value not in enum:
            self._error(self.raw.location(key_path), f"{self._where(path)} {key!r} must be one of {', '.join(enum)}, got {value!r}")


def _type_problem(kind: str | None, value: Any) -> tuple[str, str] | None:
    if value is None or is_unknown(value) or isinstance(value, FileRef):
        return None
    got = _describe(value)
    if isinstance(value, Encoded):
        return None if kind == "string" else (_article(kind), "an encoded string (yamlencode/jsonencode)")
    if kind == "string":
        return ("a string", got) if isinstance(value, (dict, list)) else None
    if kind == "bool":
        if isinstance(value, (dict, list)) or (isinstance(value, str) and value not in ("true", "false")):
            return ("a bool", got)
        return None
    if kind == "number":
        if isinstance(value, (dict, list, bool)) or (isinstance(value, str) and not re.match(r"^-?\d+(\.\d+)?$", value)):
            return ("a number", got)
        return None
    if kind in ("list", "set"):
        return None if isinstance(value, list) else (f"a {kind} (in [ ])", got)
    if kind == "map":
        return None if isinstance(value, dict) else ("a map (in { })", got)
    return None


def _article(kind: str | None) -> str:
    return {"list": "a list", "set": "a set", "map": "a map", "bool": "a bool", "number": "a number"}.get(kind or "", f"a {kind}")


def _example(kind: str | None, key: str) -> str:
    return {"list": f'{key} = ["..."]', "set": f'{key} = ["..."]', "map": f'{key} = {{ name = "value" }}', "bool": f"{key} = true",
            "number": f"{key} = 1", "string": f'{key} = "..."'}.get(kind or "", f"{key} = ...")


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "an object { ... }"
    if isinstance(value, list):
        return "a list [ ... ]"
    if isinstance(value, bool):
        return f"the bool {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    return f"the string {value!r}" if len(str(value)) < 40 else "a string"
