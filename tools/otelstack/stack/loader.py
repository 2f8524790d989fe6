"""Load the stack definition, check it against its schema, and resolve environments."""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path as FsPath

from otelstack import resources, schemacheck
from otelstack.errors import InputErrors, OtelstackError, UsageError
from otelstack.source import Located, Location
from otelstack.stack.merge import merge_located
from otelstack.stack.model import Stack
from otelstack.yamlsource import load_yaml, read_text

DEFAULT_FILENAME = "otelstack.yaml"
SCHEMA_VERSION = 1
_NOT_OVERRIDABLE = ("version", "environments", "clusters")


def find_stack_file(start: FsPath | None = None) -> FsPath | None:
    """otelstack.yaml in `start` or the nearest parent directory (stopping at a git root)."""
    here = (start or FsPath.cwd()).resolve()
    for directory in (here, *here.parents):
        candidate = directory / DEFAULT_FILENAME
        if candidate.is_file():
            return candidate
        if (directory / ".git").exists():
            return None
    return None


@lru_cache(maxsize=None)
def _validators() -> tuple[object, object, dict, dict]:
    schema = resources.stack_schema()
    env_schema = copy.deepcopy(schema)
    env_schema["required"] = [key for key in env_schema["required"] if key != "environments"]
    return schemacheck.compile_schema(schema), schemacheck.compile_schema(env_schema), schema, env_schema


@dataclass
class StackFile:
    path: FsPath  # absolute
    root: FsPath  # the platform repo root: the stack file's directory
    display: str  # the file name used in messages
    doc: Located
    problems: list[OtelstackError] = field(default_factory=list)
    _resolved: dict[str, Stack] = field(default_factory=dict)
    _clusters: dict[str, list["Cluster"]] | None = None  # by environment
    _overrides: dict[int, Located] | None = None  # clusters[i].overrides

    @property
    def environments(self) -> list[str]:
        envs = self.doc.get(("environments",))
        return list(envs) if isinstance(envs, dict) else []

    def require_valid(self) -> None:
        if self.problems:
            raise InputErrors(self.problems)

    def resolve(self, environment: str) -> Stack:
        if environment not in self.environments:
            known = ", ".join(self.environments) or "none"
            raise UsageError(
                f"environment {environment!r} is not defined in {self.display}",
                location=self.doc.location(("environments",)),
                hint=f"defined environments: {known}",
            )
        if environment not in self._resolved:
            self._resolved[environment] = Stack(environment, _merged(self.doc, environment), self.display)
        return self._resolved[environment]

    def stacks(self) -> list[Stack]:
        return [self.resolve(env) for env in self.environments]

    def external_secrets(self) -> set[str]:
        """"namespace/name" of the Secrets any environment or fleet cluster references but never renders."""
        stacks = [self.resolve_cluster(env, c) if c else self.resolve(env)
                  for env in self.environments for c in (self.clusters(env) if self.is_fleet(env) else [None])]
        return {f"{namespace}/{name}" for stack in stacks for namespace, name in stack.external_secrets}

    def is_fleet(self, environment: str) -> bool:
        return bool(self.doc.get(("environments", environment, "fleet")))

    def clusters(self, environment: str) -> list[Cluster]:
        if self._clusters is None:
            self._clusters = {}
            for index, item in enumerate(self.doc.get(("clusters",)) or []):
                if isinstance(item, dict):
                    self._clusters.setdefault(item.get("environment"), []).append(
                        Cluster(item["name"], item["server"], dict(item.get("labels") or {}),
                                dict(item.get("annotations") or {}), index, self.doc.location(("clusters", index))))
        return list(self._clusters.get(environment, []))

    def _cluster_overrides(self, index: int) -> Located:
        """clusters[index].overrides as its own document; the locations are grouped once for all clusters."""
        if self._overrides is None:
            self._overrides = {}
            for name, table in (("locations", self.doc.locations), ("key_locations", self.doc.key_locations)):
                for p, loc in table.items():
                    if len(p) >= 3 and p[0] == "clusters" and p[2] == "overrides":
                        doc = self._overrides.setdefault(p[1], Located(self.doc.get(p[:3]), self.doc.file))
                        getattr(doc, name)[p[3:]] = loc
        return self._overrides.get(index) or Located(None, self.doc.file, {(): self.doc.location(("clusters", index))})

    def resolve_cluster(self, environment: str, cluster: "Cluster") -> Stack:
        """The environment's stack with the cluster's own overrides on top."""
        key = f"{environment}/{cluster.name}"
        if key not in self._resolved:
            env_stack = self.resolve(environment)
            overrides = self._cluster_overrides(cluster.index)
            merged = env_stack.doc
            if isinstance(overrides.data, dict):
                allowed = {k: v for k, v in overrides.data.items() if k not in _NOT_OVERRIDABLE}
                merged = merge_located(env_stack.doc, Located(allowed, overrides.file, overrides.locations, overrides.key_locations))
            self._resolved[key] = Stack(environment, merged, self.display, cluster=cluster.name)
        return self._resolved[key]


@dataclass(frozen=True)
class Cluster:
    name: str
    server: str
    labels: dict
    annotations: dict
    index: int  # position in the clusters list
    location: Location


def _base(doc: Located) -> Located:
    """The stack without its environments and clusters (whose locations would otherwise be copied
    into every environment's and every cluster's document: quadratic in a large fleet)."""
    keep = lambda table: {p: loc for p, loc in table.items() if not p or p[0] not in ("environments", "clusters")}  # noqa: E731
    return Located({k: v for k, v in doc.data.items() if k not in ("environments", "clusters")}, doc.file,
                   keep(doc.locations), keep(doc.key_locations))


def _merged(doc: Located, environment: str) -> Located:
    overrides = doc.sub(("environments", environment, "overrides"))
    base = _base(doc)
    if not isinstance(overrides.data, dict):
        return Located(copy.deepcopy(base.data), base.file, dict(base.locations), dict(base.key_locations))
    allowed = {k: v for k, v in overrides.data.items() if k not in _NOT_OVERRIDABLE}
    return merge_located(base, Located(allowed, overrides.file, overrides.locations, overrides.key_locations))


def load_stack(path: str | os.PathLike[str], display: str | None = None) -> StackFile:
    """Load and check the stack definition. Problems are collected in `.problems`; callers that
    cannot continue with a broken definition call `.require_valid()`."""
    fs_path = FsPath(path)
    shown = display or str(path)
    if not fs_path.is_file():
        raise UsageError(
            f"stack definition {shown} not found",
            location=None,
            hint="create one with `otelstack init`, or pass --stack PATH",
        )
    try:
        text = read_text(str(fs_path), shown)
    except OSError as exc:
        raise UsageError(f"cannot read stack definition {shown}: {exc.strerror}") from None
    loaded = load_yaml(text, shown)
    if loaded.problems:
        raise InputErrors([UsageError(p.message, location=p.location) for p in loaded.problems])
    if len(loaded.documents) != 1 or not isinstance(loaded.documents[0].data, dict):
        where = loaded.documents[1].location() if len(loaded.documents) > 1 else Location(shown)
        raise UsageError(f"{shown} must hold exactly one YAML mapping (the stack definition)", location=where)
    doc = loaded.documents[0]
    stack_file = StackFile(fs_path.resolve(), fs_path.resolve().parent, shown, doc)
    stack_file.problems = _check(stack_file)
    return stack_file


def _check(stack_file: StackFile) -> list[OtelstackError]:
    from otelstack.stack.semantics import check_semantics

    doc = stack_file.doc
    version = doc.data.get("version")
    if isinstance(version, int) and version != SCHEMA_VERSION:
        from otelstack.stack.migrate import describe_version_problem

        return [describe_version_problem(doc, version, SCHEMA_VERSION)]
    full, per_env, full_schema, env_schema = _validators()
    problems: list[OtelstackError] = []
    seen: set[tuple[Location, str]] = set()

    def add(location: Location, message: str, hint: str = "") -> None:
        if (location, message) not in seen:
            seen.add((location, message))
            problems.append(UsageError(message, location=location, hint=hint))

    for p in schemacheck.check(full, doc, schema=full_schema):
        hint = p.hint
        if p.kind == "required" and p.message.endswith("'version'"):
            hint = f"add `version: {SCHEMA_VERSION}` (the stack definition's schema version) at the top"
        add(p.location, p.message, hint)
    if problems:
        return problems  # environments cannot be resolved on a broken base
    for env in stack_file.environments:
        overrides = doc.get(("environments", env, "overrides"))
        if isinstance(overrides, dict):
            for key in overrides:
                if key in _NOT_OVERRIDABLE:
                    add(doc.key_location(("environments", env, "overrides", key)), f"environment {env!r} cannot override {key!r}")
        merged = _merged(doc, env)
        for p in schemacheck.check(per_env, merged, schema=env_schema):
            add(p.location, f"environment {env!r}: {p.message}", p.hint)
        if problems:
            continue
        for location, message, hint in check_semantics(stack_file.resolve(env)):
            add(location, message, hint)
    if not problems:
        for location, message, hint in _check_clusters(stack_file, per_env, env_schema):
            add(location, message, hint)
    return problems


def _check_clusters(stack_file: StackFile, validator, schema) -> list[tuple[Location, str, str]]:
    from otelstack.stack.semantics import check_semantics

    doc = stack_file.doc
    problems = []
    seen: dict[str, int] = {}
    fleets = [env for env in stack_file.environments if stack_file.is_fleet(env)]
    clusters_by_index = {c.index: c for env in fleets for c in stack_file.clusters(env)}
    for index, item in enumerate(doc.get(("clusters",)) or []):
        name, env = item["name"], item["environment"]
        if name in seen:
            problems.append((doc.location(("clusters", index, "name")), f"cluster {name!r} is declared twice (first as clusters[{seen[name]}])", "cluster names are unique: they name the generated applications"))
            continue
        seen[name] = index
        if env not in stack_file.environments or not stack_file.is_fleet(env):
            hint = f"fleet environments: {', '.join(fleets)}" if fleets else "set `fleet: true` on the environment the cluster belongs to"
            problems.append((doc.location(("clusters", index, "environment")), f"cluster {name!r}: environment {env!r} is not a fleet environment", hint))
            continue
        overrides = doc.get(("clusters", index, "overrides"))
        for key in (overrides or {}):
            if key in _NOT_OVERRIDABLE:
                problems.append((doc.key_location(("clusters", index, "overrides", key)), f"cluster {name!r} cannot override {key!r}", ""))
        cluster = clusters_by_index[index]
        resolved = stack_file.resolve_cluster(env, cluster)
        if resolved.doc is stack_file.resolve(env).doc:
            continue  # nothing overridden: its environment's document, checked as such
        found = [(p.location, f"cluster {name!r}: {p.message}", p.hint) for p in schemacheck.check(validator, resolved.doc, schema=schema)]
        problems += found or [(loc, f"cluster {name!r}: {message}", hint) for loc, message, hint in check_semantics(resolved)]
    for env in fleets:
        if not stack_file.clusters(env):
            problems.append((doc.location(("environments", env, "fleet")), f"fleet environment {env!r} has no clusters", "add clusters with `environment: " + env + "`"))
    return problems
