"""What otelstack knows about each third-party chart, per chart version (data/charts/*.yaml)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from otelstack import resources, versions

CHART_FILES = ("beyla.yaml", "opentelemetry-operator.yaml", "cert-manager.yaml")


@dataclass(frozen=True)
class KeySpec:
    name: str
    type: str  # string, integer, boolean, list, map, object, any
    since: str | None
    until: str | None
    items: str | None = None
    values: str | None = None
    rendered_since: str | None = None
    rendered: bool = True
    enum: tuple[str, ...] = ()
    note: str = ""
    children: dict[str, Any] | None = None  # raw child specs for objects


class ChartKnowledge:
    def __init__(self, data: dict) -> None:
        self.data = data
        self._keys: dict[tuple[str, ...], KeySpec | None] = {}  # asked once per values key of every application
        self.name: str = data["chart"]
        self.title: str = data.get("title", self.name)
        sources = data.get("sources", {})
        self.helm_repository: str | None = sources.get("helm", {}).get("repository")
        self.git_repository: str | None = sources.get("git", {}).get("repository")
        self.git_path: str | None = sources.get("git", {}).get("path")
        self.has_values_schema: bool = bool(data.get("valuesSchema"))
        self.version_prefix: str = data.get("versionPrefix", "")
        self.app_versions: dict[str, str] = {str(k): str(v) for k, v in data.get("appVersions", {}).items()}
        self.git_tags: dict[str, dict] = {str(k): v for k, v in data.get("gitTags", {}).items()}
        self.values: dict | None = data.get("values")

    @property
    def catalogues_values(self) -> bool:
        return self.values is not None

    def app_version(self, chart_version: str) -> str | None:
        return self.app_versions.get(str(chart_version).lstrip("v") if not self.version_prefix else str(chart_version))

    def knows_version(self, chart_version: str) -> bool:
        return self.app_version(chart_version) is not None

    def chart_for_git_ref(self, ref: str) -> tuple[str, str] | None:
        found = self.git_tags.get(ref)
        return (str(found["chart"]), str(found["appVersion"])) if found else None

    def key(self, path: tuple[str, ...]) -> KeySpec | None:
        """The spec of a values key, or None when the chart never had it."""
        path = tuple(path)
        if path not in self._keys:
            self._keys[path] = self._key(path)
        return self._keys[path]

    def _key(self, path: tuple[str, ...]) -> KeySpec | None:
        node: dict | None = self.values
        since = until = None
        spec: dict = {}
        for part in path:
            if node is None or part not in node:
                return None
            spec = node[part]
            since = spec.get("since", since)
            until = spec.get("until", until)
            node = spec.get("keys")
        return KeySpec(
            name=".".join(path),
            type=spec.get("type", "any"),
            since=None if since is None else str(since),
            until=None if until is None else str(until),
            items=spec.get("items"),
            values=spec.get("values"),
            rendered_since=None if spec.get("renderedSince") is None else str(spec.get("renderedSince")),
            rendered=spec.get("rendered", True),
            enum=tuple(spec.get("enum", ())),
            note=spec.get("note", ""),
            children=spec.get("keys"),
        )

    def children(self, path: tuple[str, ...]) -> list[str]:
        node: Any = self.values
        for part in path:
            node = (node or {}).get(part, {}).get("keys")
        return sorted(node or {})

    def key_exists_in(self, spec: KeySpec, chart_version: str) -> bool | None:
        return versions.in_range(chart_version, spec.since, spec.until)

    def key_rendered_in(self, spec: KeySpec, chart_version: str) -> bool | None:
        if not spec.rendered:
            return False
        if spec.rendered_since is None:
            return True
        return versions.at_least(chart_version, spec.rendered_since)

    def default(self, key: str, chart_version: str) -> Any:
        for entry in self.data.get("defaults", {}).get(key, []):
            if versions.in_range(chart_version, entry.get("since"), entry.get("until")) is not False:
                return entry.get("value")
        return None


@lru_cache(maxsize=None)
def all_charts() -> tuple[ChartKnowledge, ...]:
    return tuple(ChartKnowledge(resources.data_yaml("charts", name)) for name in CHART_FILES)


def by_name(name: str) -> ChartKnowledge:
    for chart in all_charts():
        if chart.name == name:
            return chart
    raise KeyError(name)


def _same_repo(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    norm = lambda url: url.rstrip("/").removesuffix(".git").lower().replace("http://", "https://")
    return norm(a) == norm(b)


def identify(repo_url: Any, chart: Any = None, path: Any = None) -> ChartKnowledge | None:
    """The chart an Argo CD source deploys, from a Helm repo + chart name or a git repo + path."""
    for known in all_charts():
        if isinstance(chart, str) and chart and chart == known.name and (
            _same_repo(repo_url, known.helm_repository) or not isinstance(repo_url, str)
        ):
            return known
        if isinstance(path, str) and _same_repo(repo_url, known.git_repository) and path.strip("/") == (known.git_path or ""):
            return known
    return None
