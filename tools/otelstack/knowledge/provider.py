"""The argoproj-labs/argocd Terraform provider's resource schemas at every v7 release
(data/terraform/argocd-provider.yaml), and Terraform version constraints over them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from otelstack import resources, versions
from otelstack.knowledge import at

META_ARGUMENTS = ("count", "for_each", "depends_on", "provider", "lifecycle")


class ProviderSchema:
    def __init__(self, data: dict) -> None:
        self.versions: list[str] = [str(v) for v in data["versions"]]
        self.resources: dict[str, dict] = data["resources"]
        self.definitions: dict[str, dict] = data.get("definitions", {})
        self.generator_levels = data.get("generatorLevels")
        self._available: dict[tuple, list[str]] = {}

    def coverage(self) -> tuple[str, str]:
        return self.versions[0], self.versions[-1]

    def resource(self, name: str) -> dict | None:
        return self.resources.get(name)

    def resolve(self, node: dict) -> dict:
        while isinstance(node, dict) and "$ref" in node:
            node = self.definitions[node["$ref"]]
        return node

    def available(self, node: dict, span: tuple[str | None, str | None]) -> list[str]:
        """The provider versions that have a node (since inclusive, removed exclusive), given its parent's span."""
        since = node.get("since", span[0])
        removed = node.get("removed", span[1])
        key = (since, removed)
        found = self._available.get(key)
        if found is None:
            found = [v for v in self.versions if (since is None or versions.at_least(v, since))
                     and not (removed is not None and versions.at_least(v, removed))]
            self._available[key] = found
        return found

    def span(self, node: dict, parent: tuple[str | None, str | None]) -> tuple[str | None, str | None]:
        return node.get("since", parent[0]), node.get("removed", parent[1])

    def prop(self, node: dict, name: str, version: str | None) -> Any:
        return at(node.get(name), version)


@lru_cache(maxsize=1)
def schema() -> ProviderSchema:
    return ProviderSchema(resources.data_yaml("terraform", "argocd-provider.yaml"))


# Terraform version constraints ------------------------------------------------------------------

_CLAUSE = re.compile(r"^\s*(~>|>=|<=|!=|=|>|<)?\s*v?(\d+(?:\.\d+){0,2})(?:-[0-9A-Za-z.-]+)?\s*$")


@dataclass(frozen=True)
class Constraint:
    text: str
    clauses: tuple[tuple[str, tuple[int, ...], int], ...]  # (operator, version parts, number of parts written)

    def admits(self, version: str) -> bool:
        parsed = versions.parse(version)
        if parsed is None:
            return False
        return all(_clause_admits(op, parts, written, parsed) for op, parts, written in self.clauses)


def parse_constraint(text: str) -> Constraint | None:
    """A Terraform version constraint ("~> 7.0", ">= 7.1, < 8"); None when it cannot be read."""
    clauses = []
    for part in str(text).split(","):
        match = _CLAUSE.match(part)
        if not match:
            return None
        numbers = tuple(int(n) for n in match.group(2).split("."))
        clauses.append((match.group(1) or "=", numbers + (0,) * (3 - len(numbers)), len(numbers)))
    return Constraint(str(text).strip(), tuple(clauses)) if clauses else None


def _clause_admits(op: str, parts: tuple[int, ...], written: int, version: tuple[int, int, int]) -> bool:
    if op == "~>":
        # ~> 7.0 admits 7.x (x >= 0); ~> 7.1.2 admits 7.1.x (x >= 2): the last written part may grow
        upper_index = max(written - 2, 0)
        upper = list(parts[: upper_index + 1])
        upper[-1] += 1
        ceiling = tuple(upper) + (0,) * (3 - len(upper))
        return version >= parts and version < ceiling
    return {"=": version == parts, "!=": version != parts, ">": version > parts, ">=": version >= parts,
            "<": version < parts, "<=": version <= parts}[op]


def describe(names: list[str]) -> str:
    """'7.0.0 to 7.4.0' for a run of versions, else the list."""
    if not names:
        return "none"
    known = schema().versions
    indexes = [known.index(n) for n in names if n in known]
    if len(names) > 2 and indexes == list(range(indexes[0], indexes[0] + len(indexes))):
        return f"{names[0]} to {names[-1]}"
    return ", ".join(names)
