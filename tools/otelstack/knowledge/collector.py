"""Collector components per distribution and release (data/collector/components.yaml), their
configuration keys (data/collector/config.yaml, core components), and the operator's defaults
(data/operator/defaults.yaml)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from otelstack import resources, versions
from otelstack.knowledge import at


@dataclass(frozen=True)
class ComponentStatus:
    present: bool
    deprecated: str | None = None  # release that deprecated it (when it is still present)
    removed: str | None = None  # release that removed it from this distribution
    since: str | None = None  # first release with it, when newer than the version asked about
    replacement: str | None = None
    note: str = ""
    elsewhere: tuple[str, ...] = field(default_factory=tuple)  # distributions that have it at this release


def _normal(version: str) -> str:
    return str(version).strip().lstrip("v")


class Components:
    def __init__(self, data: dict) -> None:
        self.data = data
        self.releases: list[str] = [str(r) for r in data["releases"]]
        self._release_set = set(self.releases)
        self.images: dict[str, str] = data["images"]
        self.components: dict[str, dict] = data["components"]
        self._status: dict[tuple[str, str, str, str], ComponentStatus] = {}  # asked for every component of every collector

    def coverage(self) -> tuple[str, str]:
        return self.releases[0], self.releases[-1]

    def knows(self, version: str) -> bool:
        return _normal(version) in self._release_set

    def distribution_of(self, repository: str) -> str | None:
        return self.images.get(repository.strip().rstrip("/"))

    def names(self, section: str) -> list[str]:
        return sorted(self.components.get(section, {}))

    def status(self, section: str, kind: str, distribution: str, version: str) -> ComponentStatus:
        key = (section, kind, distribution, version)
        found = self._status.get(key)
        if found is None:
            found = self._status[key] = self._status_of(section, kind, distribution, _normal(version))
        return found

    def _status_of(self, section: str, kind: str, distribution: str, version: str) -> ComponentStatus:
        entry = self.components.get(section, {}).get(kind) or {}
        spans = _spans(entry.get(distribution))
        present = any(_inside(version, span) for span in spans)
        elsewhere = tuple(sorted(d for d, value in entry.items() if d not in ("deprecated", "replacement", "note")
                                 and d != distribution and any(_inside(version, s) for s in _spans(value))))
        removed = next((s["removed"] for s in spans if s.get("removed") and versions.at_least(version, s["removed"])), None)
        later = next((s["since"] for s in spans if versions.at_least(version, s["since"]) is False), None)
        deprecated = entry.get("deprecated")
        deprecated = deprecated if deprecated and versions.at_least(version, deprecated) else None
        return ComponentStatus(present, deprecated, removed, later, entry.get("replacement"), entry.get("note", ""), elsewhere)

    def replacement(self, section: str, kind: str) -> tuple[str | None, str]:
        entry = self.components.get(section, {}).get(kind) or {}
        return entry.get("replacement"), entry.get("note", "")


def _spans(value: Any) -> list[dict]:
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, dict)]
    return []


def _inside(version: str, span: dict) -> bool:
    if versions.at_least(version, span.get("since", "0.0.0")) is False:
        return False
    removed = span.get("removed")
    return not (removed and versions.at_least(version, removed))


@lru_cache(maxsize=1)
def components() -> Components:
    return Components(resources.data_yaml("collector", "components.yaml"))


# Component configuration -------------------------------------------------------------------------


class ComponentConfigs:
    """Config keys of core components per core release."""

    def __init__(self, data: dict) -> None:
        self.versions: list[str] = [str(v) for v in data["versions"]]
        self.components: dict[str, dict] = data["components"]
        self._releases: dict[str, str | None] = {}  # asked once per collector

    def coverage(self) -> tuple[str, str]:
        return self.versions[0], self.versions[-1]

    def release_for(self, collector_version: str) -> str | None:
        """The core release a collector release is built from: the same version, else the newest
        core release of the same minor that is not newer."""
        if collector_version not in self._releases:
            self._releases[collector_version] = self._release_for(collector_version)
        return self._releases[collector_version]

    def _release_for(self, collector_version: str) -> str | None:
        target = versions.parse(collector_version)
        if target is None:
            return None
        candidates = [v for v in self.versions if (versions.parse(v) or (0, 0, 0))[:2] == target[:2]
                      and (versions.parse(v) or (0, 0, 0)) <= target]
        return candidates[-1] if candidates else None

    def schema(self, section: str, kind: str) -> dict | None:
        return self.components.get(section, {}).get(kind)


@lru_cache(maxsize=1)
def configs() -> ComponentConfigs:
    return ComponentConfigs(resources.data_yaml("collector", "config.yaml"))


# Operator defaults -----------------------------------------------------------------------------


class OperatorDefaults:
    def __init__(self, data: dict) -> None:
        self.releases: dict[str, dict] = {str(k): v for k, v in data["releases"].items()}
        self.images: dict[str, Any] = data["images"]
        self.protocols: dict[str, Any] = data.get("protocols", {})

    def coverage(self) -> tuple[str, str]:
        ordered = sorted(self.releases, key=lambda v: versions.parse(v) or (0, 0, 0))
        return ordered[0], ordered[-1]

    def collector_version(self, operator_version: str) -> str | None:
        release = self.releases.get(_normal(operator_version))
        return str(release["collector"]).lstrip("v") if release and release.get("collector") else None

    def collector_image(self, operator_version: str) -> tuple[str, str] | None:
        """(repository, tag) the operator runs when neither the collector nor the chart names one."""
        tag = self.collector_version(operator_version)
        repository = at(self.images.get("collector"), _normal(operator_version))
        return (repository, tag) if repository and tag else None

    def protocol(self, language: str, operator_version: str) -> str | None:
        return at(self.protocols.get(language), _normal(operator_version))


@lru_cache(maxsize=1)
def operator_defaults() -> OperatorDefaults:
    return OperatorDefaults(resources.data_yaml("operator", "defaults.yaml"))
