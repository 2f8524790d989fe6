"""Collector components per distribution and release (data/collector/components.yaml), their
configuration keys (data/collector/config.yaml: core components, and k8sattributes/filelog from
contrib over the contrib releases established), and the operator's defaults
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
    unknown: str = ""  # why the data cannot say whether an absent type exists at this release


def _normal(version: str) -> str:
    return str(version).strip().lstrip("v")


class Components:
    def __init__(self, data: dict) -> None:
        self.data = data
        self.releases: list[str] = [str(r) for r in data["releases"]]
        self._release_set = set(self.releases)
        self.images: dict[str, str] = data["images"]
        self.components: dict[str, dict] = data["components"]
        self.distributions: list[str] = list(data.get("distributions", []))
        # contrib types derived from module names miss the snake_case renames the data has no release for
        self.contrib_types: dict = data.get("contribTypes") or {}
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
        elsewhere = tuple(sorted(d for d in self.distributions if d in entry and d != distribution
                                 and any(_inside(version, s) for s in _spans(entry[d]))))
        removed = next((s["removed"] for s in spans if s.get("removed") and versions.at_least(version, s["removed"])), None)
        later = next((s["since"] for s in spans if versions.at_least(version, s["since"]) is False), None)
        deprecated = entry.get("deprecated")
        deprecated = deprecated if deprecated and versions.at_least(version, deprecated) else None
        unknown = "" if present else self._unknown(section, kind, entry, distribution, version)
        return ComponentStatus(present, deprecated, removed, later, entry.get("replacement"), entry.get("note", ""), elsewhere,
                               unknown)

    def _unknown(self, section: str, kind: str, entry: dict, distribution: str, version: str) -> str:
        """Why an absent type may still be in the image: a rename the data has no first release for.
        Only from the first release with a snake_case rename on, and only for a distribution that
        has the type's former name at this release."""
        since = self.contrib_types.get("renamesSince")
        if not since or not versions.at_least(version, since):
            return ""
        former = entry.get("renamedFrom")
        if entry and former and entry.get("uncertainBefore"):
            if self.status(section, former, distribution, version).present:
                return (f"{kind!r} is the new name of {former!r}, known from {entry['uncertainBefore']} on; "
                        f"the release that renamed it is not in otelstack's data")
            return ""
        if entry or self.contrib_types.get("source") != "naming-rule" or "_" not in kind:
            return ""
        former = kind.replace("_", "")
        if (self.components.get(section, {}).get(former) or {}).get("derived") and \
                self.status(section, former, distribution, version).present:
            return (f"{kind!r} may be the snake_case name the collector gave {former!r} (the old name stays a "
                    f"deprecated alias); otelstack derives contrib component names from module names and has no "
                    f"release for that rename")
        return ""

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
    """Config keys of core components per core release, and of a few contrib components over the
    contrib releases established (`contrib`)."""

    def __init__(self, data: dict) -> None:
        self.versions: list[str] = [str(v) for v in data["versions"]]
        self.components: dict[str, dict] = data["components"]
        contrib = data.get("contrib") or {}
        self.contrib_range: tuple[str, str] | None = (str(contrib["first"]), str(contrib["last"])) if contrib else None
        self.contrib: set[tuple[str, str]] = {(section, kind) for section, kinds in (contrib.get("components") or {}).items()
                                              for kind in kinds}
        self.distributions: list[str] = list(data.get("distributions", []))
        # contrib types derived from module names miss the snake_case renames the data has no release for
        self.contrib_types: dict = data.get("contribTypes") or {}
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

    def schema(self, section: str, kind: str, release: str | None = None) -> dict | None:
        """The component's settings schema; for a contrib component only when `release` is inside
        the contrib releases established (None otherwise: see `unchecked`)."""
        if (section, kind) in self.contrib and not self.covers_contrib(release):
            return None
        return self.components.get(section, {}).get(kind)

    def covers_contrib(self, release: str | None) -> bool:
        if release is None or self.contrib_range is None:
            return False
        minor = (versions.parse(release) or (0, 0, 0))[:2]
        first, last = ((versions.parse(v) or (0, 0, 0))[:2] for v in self.contrib_range)
        return first <= minor <= last

    def unchecked(self, section: str, kind: str, release: str) -> str:
        """Why the settings of a component are not checked at a release ('' when they are)."""
        if self.schema(section, kind, release) is not None:
            return ""
        if (section, kind) in self.contrib and self.contrib_range:
            first, last = self.contrib_range
            return (f"otelstack's data on its settings covers contrib {first} to {last.rsplit('.', 1)[0]}.x, "
                    f"not {release}")
        covered = ", ".join(sorted({kind for _, kind in self.contrib}))
        return (f"otelstack knows the settings of the components of the collector's core repository and, "
                f"from contrib, of {covered} only")


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
