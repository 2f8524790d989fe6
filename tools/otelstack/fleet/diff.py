"""What a change does to each cluster of a fleet: the expansions of the base and head trees
compared application by application (chart version, values key by key)."""

from __future__ import annotations

import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from otelstack.fleet import FleetExpansion, expand_environment
from otelstack.plan.summary import ValueChange, values_diff


@dataclass
class AppDelta:
    name: str
    action: str  # create | update | delete
    revision: tuple[str | None, str | None] = (None, None)
    values: list[ValueChange] = field(default_factory=list)


@dataclass
class ClusterChange:
    cluster: str
    status: str  # added | removed | changed
    applications: list[AppDelta] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"cluster": self.cluster, "status": self.status,
                "applications": [{**asdict(a), "revision": {"before": a.revision[0], "after": a.revision[1]}} for a in self.applications]}


@dataclass
class FleetPlan:
    clusters: int  # in the head tree
    base_label: str
    note: str  # why there is no comparison, when `changes` is None
    changes: list[ClusterChange] | None

    def to_json(self) -> dict:
        return {"clusters": self.clusters, "base": self.base_label, "note": self.note,
                "changes": [c.to_json() for c in self.changes] if self.changes is not None else None}


def _by_cluster(expansion: FleetExpansion | None) -> dict[str, dict[str, object]]:
    clusters: dict[str, dict[str, object]] = {}
    if expansion is None:
        return clusters
    for target in expansion.clusters:
        clusters.setdefault(target.name, {})
    for app in expansion.applications:
        clusters.setdefault(app.cluster, {})[str(app.name)] = app
    return clusters


def fleet_diff(base: FleetExpansion | None, head: FleetExpansion) -> list[ClusterChange]:
    before, after = _by_cluster(base), _by_cluster(head)
    changes = []
    for cluster in sorted(set(before) | set(after)):
        old, new = before.get(cluster), after.get(cluster)
        status = "added" if old is None else "removed" if new is None else "changed"
        deltas = []
        for name in sorted(set(old or {}) | set(new or {})):
            a, b = (old or {}).get(name), (new or {}).get(name)
            revision = (_revision(a), _revision(b))
            values, _ = values_diff(a.inputs if a is not None else None, b.inputs if b is not None else None)
            action = "create" if a is None else "delete" if b is None else "update"
            if action == "update" and revision[0] == revision[1] and not values:
                continue
            deltas.append(AppDelta(name, action, revision, values if action == "update" else []))
        if status == "changed" and not deltas:
            continue
        changes.append(ClusterChange(cluster, status, deltas))
    return changes


def _revision(app) -> str | None:
    return app.sources[0].get("targetRevision") if app is not None else None


def base_expansion(text: str | None, environment: str) -> FleetExpansion | None:
    """The fleet as the base tree's stack definition (`text`) had it; None where it had none."""
    from otelstack.errors import OtelstackError
    from otelstack.stack import load_stack

    if text is None:
        return None
    with tempfile.TemporaryDirectory(prefix="otelstack-base-") as tmp:
        path = Path(tmp) / "otelstack.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            stack_file = load_stack(path, "otelstack.yaml (base)")
            if environment not in stack_file.environments or not stack_file.is_fleet(environment) or stack_file.problems:
                return None
            return expand_environment(stack_file, environment)
        except OtelstackError:
            return None
