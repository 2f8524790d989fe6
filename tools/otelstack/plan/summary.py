"""What a saved Terraform plan does to the Argo CD applications, read from `terraform show -json`.

Per application: create / update / delete / replace, chart and target revision before -> after,
and the Helm values diff decoded from the YAML strings, key by key."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import yaml

ACTIONS = ("create", "update", "delete", "replace", "no-op")
_KNOWN_AFTER_APPLY = "(known after apply)"


@dataclass
class ValueChange:
    path: str
    action: str  # add | remove | change
    before: Any = None
    after: Any = None


@dataclass
class Field:
    before: Any
    after: Any

    @property
    def changed(self) -> bool:
        return self.before != self.after


@dataclass
class AppChange:
    address: str
    name: str
    action: str
    chart: Field
    target_revision: Field
    repo_url: Field
    values: list[ValueChange] = field(default_factory=list)
    values_unreadable: str = ""  # why the values could not be decoded, if so

    def to_json(self) -> dict:
        data = asdict(self)
        data["values"] = [asdict(v) for v in self.values]
        return data


@dataclass
class OtherChange:
    address: str
    action: str


@dataclass
class PlanSummary:
    applications: list[AppChange] = field(default_factory=list)
    other: list[OtherChange] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        counts = {action: 0 for action in ACTIONS}
        for app in self.applications:
            counts[app.action] += 1
        return counts

    @property
    def changes(self) -> int:
        return sum(1 for app in self.applications if app.action != "no-op") + sum(1 for o in self.other if o.action != "no-op")


def action_of(actions: list[str]) -> str:
    if actions in (["delete", "create"], ["create", "delete"]):
        return "replace"
    if actions == ["create"]:
        return "create"
    if actions == ["delete"]:
        return "delete"
    if actions == ["update"]:
        return "update"
    return "no-op"


# How to read an application out of a planned resource, per resource type.
def _argocd_view(obj: dict | None) -> dict:
    if not isinstance(obj, dict):
        return {}
    spec = _first(obj.get("spec"))
    source = _first(spec.get("source"))
    helm = _first(source.get("helm"))
    return {
        "name": _first(obj.get("metadata")).get("name"),
        "chart": source.get("chart") or None,
        "target_revision": source.get("target_revision"),
        "repo_url": source.get("repo_url"),
        "values": helm.get("values"),
    }


def _terraform_data_view(obj: dict | None) -> dict:
    """terraform_data whose `input` is an application spec (the offline test roots use this)."""
    data = (obj or {}).get("input") if isinstance(obj, dict) else None
    if not isinstance(data, dict):
        return {}
    return {key: data.get(key) for key in ("name", "chart", "target_revision", "repo_url", "values")}


VIEWS = {"argocd_application": _argocd_view, "terraform_data": _terraform_data_view}


def _first(value: Any) -> dict:
    if isinstance(value, list):
        value = value[0] if value else {}
    return value if isinstance(value, dict) else {}


def summarize(plan: dict) -> PlanSummary:
    summary = PlanSummary()
    for change in plan.get("resource_changes", []):
        if change.get("mode") != "managed":
            continue
        details = change.get("change", {})
        action = action_of(details.get("actions", []))
        view = VIEWS.get(change.get("type"))
        before = view(details.get("before")) if view else {}
        after = view(details.get("after")) if view else {}
        unknown = details.get("after_unknown") or {}
        if not view or not (before or after):
            summary.other.append(OtherChange(change["address"], action))
            continue
        name = after.get("name") or before.get("name") or change.get("index") or change.get("name")
        app = AppChange(
            address=change["address"], name=str(name), action=action,
            chart=Field(before.get("chart"), after.get("chart")),
            target_revision=Field(before.get("target_revision"), after.get("target_revision")),
            repo_url=Field(before.get("repo_url"), after.get("repo_url")),
        )
        if action != "no-op":
            if _values_unknown(unknown, change.get("type")):
                app.values_unreadable = _KNOWN_AFTER_APPLY
            else:
                app.values, app.values_unreadable = values_diff(before.get("values"), after.get("values"))
        summary.applications.append(app)
    summary.applications.sort(key=lambda a: (ACTIONS.index(a.action), a.name))
    return summary


def _values_unknown(unknown: Any, resource_type: str | None) -> bool:
    if resource_type == "terraform_data":
        return bool(isinstance(unknown, dict) and isinstance(unknown.get("input"), dict) and unknown["input"].get("values"))
    spec = _first(unknown.get("spec")) if isinstance(unknown, dict) else {}
    helm = _first(_first(spec.get("source")).get("helm"))
    return helm.get("values") is True


def values_diff(before: Any, after: Any) -> tuple[list[ValueChange], str]:
    old, problem_old = _decode(before)
    new, problem_new = _decode(after)
    problem = problem_old or problem_new
    if problem:
        return [], problem
    flat_old, flat_new = flatten(old), flatten(new)
    changes = []
    for path in sorted(set(flat_old) | set(flat_new)):
        if path not in flat_old:
            changes.append(ValueChange(path, "add", None, flat_new[path]))
        elif path not in flat_new:
            changes.append(ValueChange(path, "remove", flat_old[path], None))
        elif flat_old[path] != flat_new[path]:
            changes.append(ValueChange(path, "change", flat_old[path], flat_new[path]))
    return changes, ""


def _decode(text: Any) -> tuple[Any, str]:
    if text is None or text == "":
        return {}, ""
    if not isinstance(text, str):
        return text, ""
    try:
        return yaml.safe_load(text) or {}, ""
    except yaml.YAMLError as exc:
        return None, f"values are not valid YAML: {str(exc).splitlines()[0]}"


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Leaves by dotted path; lists of scalars stay whole (their order is the change), other lists
    are indexed."""
    if isinstance(value, dict):
        if not value and prefix:
            return {prefix: {}}
        out: dict[str, Any] = {}
        for key, item in value.items():
            out.update(flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(value, list) and any(isinstance(item, (dict, list)) for item in value):
        out = {}
        for index, item in enumerate(value):
            out.update(flatten(item, f"{prefix}[{index}]"))
        return out
    return {prefix: value} if prefix else {}
