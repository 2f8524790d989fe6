"""Beyla's configuration file per Beyla release (data/beyla/config.yaml): check a configuration
mapping wherever it is carried (the Beyla chart's `config.data`, a ConfigMap, ...), and which
environment variable sets which key.

    problems = check(values, "1.8.8", ("config", "data"))   # values: a Located document

Beyla decodes the file leniently (unknown keys are ignored without a word, so a typo silently
turns a setting off) and fails at start-up on a wrong shape (a mapping where a list is expected,
such as `discovery.services`). A set environment variable overrides the same key in the file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cached_property, lru_cache
from types import MappingProxyType

from otelstack import resources
from otelstack.knowledge import schema as configschema
from otelstack.source import Located, Path, dotted
from otelstack.validate.finding import Problem


class BeylaConfig:
    def __init__(self, releases: dict) -> None:
        self.versions: list[str] = [str(v) for v in releases["versions"]]
        self._env: dict[str, Mapping[str, str]] = {}  # per release: a fleet asks once per Beyla it deploys
        self._by_env: dict[str, Mapping[str, str]] = {}

    @cached_property
    def _data(self) -> dict:
        return resources.data_yaml("beyla", "config.yaml")

    @property
    def precedence(self) -> dict:
        return self._data.get("precedence", {})

    @property
    def root(self) -> dict:
        return self._data["config"]

    def coverage(self) -> tuple[str, str]:
        return self.versions[0], self.versions[-1]

    def knows(self, beyla_version: str) -> bool:
        return str(beyla_version).strip().lstrip("v") in self.versions

    def env_of(self, beyla_version: str) -> Mapping[str, str]:
        """{dotted key: environment variable} for one Beyla release (read-only: it is shared)."""
        version = _normal(beyla_version)
        found = self._env.get(version)
        if found is None:
            found = self._env[version] = MappingProxyType(configschema.key_names(self.root, version))
        return found

    def key_of_env(self, name: str, beyla_version: str) -> str | None:
        return self.keys_by_env(beyla_version).get(name)

    def keys_by_env(self, beyla_version: str) -> Mapping[str, str]:
        """{environment variable: dotted key} for one Beyla release (read-only: it is shared)."""
        version = _normal(beyla_version)
        found = self._by_env.get(version)
        if found is None:
            found = self._by_env[version] = MappingProxyType({env: key for key, env in self.env_of(version).items()})
        return found


def _normal(version: str) -> str:
    return str(version).strip().lstrip("v")


@lru_cache(maxsize=1)
def knowledge() -> BeylaConfig:
    return BeylaConfig(resources.data_yaml("beyla", "releases.yaml"))


def check(config: Located, beyla_version: str, base: Path = (), deprecated: bool = False) -> list[Problem]:
    """Problems of the Beyla configuration mapping at `base` in `config`, for one Beyla release:
    what Beyla ignores or refuses, or (`deprecated`) only the keys it still reads but deprecates.
    The caller makes sure the release is known (`knowledge().knows(version)`); an unknown one
    gives no problems."""
    data = knowledge()
    version = _normal(beyla_version)
    if not data.knows(version):
        return []
    mapping = config.get(tuple(base))
    out = []
    for issue in configschema.check(data.root, mapping, version):
        if (issue.kind == "deprecated") != deprecated:
            continue
        where = tuple(base) + issue.path
        location = config.key_location(where) if issue.kind in ("unknown", "absent", "deprecated") else _value_location(config, where, mapping, issue.path)
        message, hint = _words(issue, version)
        out.append(Problem(location, message, hint))
    return out


def _value_location(config: Located, where: Path, mapping, relative: Path):
    node = mapping
    for part in relative:
        node = node.get(part) if isinstance(node, dict) else node[part] if isinstance(node, list) and isinstance(part, int) and part < len(node) else None
    return config.key_location(where) if isinstance(node, (dict, list)) else config.location(where)


def _words(issue: configschema.Issue, version: str) -> tuple[str, str]:
    name = dotted(issue.path)
    if issue.kind == "unknown":
        return (f"Beyla {version} has no configuration key {name!r}: Beyla ignores it without a word",
                issue.hint or "see Beyla's configuration reference for this release")
    if issue.kind == "absent":
        when = issue.message.split("' ", 1)[-1]  # "'<key>' exists only from X"
        return f"Beyla {version} does not read {name!r} (it {when}): Beyla ignores it", "use a Beyla release that has it, or remove it"
    if issue.kind == "type":
        return f"Beyla {version} configuration: {issue.message}: Beyla fails at start-up parsing it", ""
    if issue.kind == "enum":
        return f"Beyla {version} configuration: {issue.message}", ""
    if issue.kind == "deprecated":
        note = re.sub(r"\s*nolint:\S+", "", issue.hint or "").strip()  # the struct comment's linter directives are not advice
        field = re.fullmatch(r"Use (\w+) instead\.?", note)  # names the Go field: say the key
        if field:
            key = re.sub(r"(?<!^)(?=[A-Z])", "_", field.group(1)).lower()
            note = f"use {dotted(issue.path[:-1] + (key,))} instead"
        return f"Beyla {version} still reads {name!r} but deprecates it: a later release ignores it", note or "see Beyla's configuration reference"
    return f"Beyla {version} configuration: {issue.message}", issue.hint


def versions_covered() -> tuple[str, str]:
    return knowledge().coverage()


__all__ = ["BeylaConfig", "check", "knowledge"]
