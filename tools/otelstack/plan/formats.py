"""Plan reports as text (terminal), markdown (a PR comment) and json (a stable contract for CI)."""

from __future__ import annotations

import json
from typing import Any

SYMBOLS = {"create": "+", "update": "~", "delete": "-", "replace": "-/+", "no-op": " "}
LONG_DIFF_LINES = 40


def _value(value: Any) -> str:
    if value is None:
        return "–"
    text = value if isinstance(value, str) else json.dumps(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _field(before: Any, after: Any, action: str) -> str:
    if action == "create":
        return _value(after)
    if action == "delete":
        return _value(before)
    return _value(after) if before == after else f"{_value(before)} → {_value(after)}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _validation(v: dict) -> str:
    return f"{_plural(v['error'], 'error')}, {_plural(v['warning'], 'warning')}, {v['info']} info"


def _headline(report) -> str:
    counts = report.summary.counts()
    parts = [f"{counts[action]} to {action}" for action in ("create", "update", "replace", "delete") if counts[action]]
    apps = ", ".join(parts) if parts else "no application changes"
    other = [o for o in report.summary.other if o.action != "no-op"]
    if other:
        apps += f"; {len(other)} other resource change{'s' if len(other) != 1 else ''}"
    return apps


def as_text(report) -> str:
    lines = [f"otelstack plan: {report.label}: {_headline(report)}"]
    v = report.validation
    lines.append(f"validation: {_validation(v)}")
    for app in report.summary.applications:
        if app.action == "no-op":
            continue
        lines.append("")
        lines.append(f"{SYMBOLS[app.action]} {app.name} ({app.action}, {app.address})")
        lines.append(f"    chart     {_field(app.chart.before, app.chart.after, app.action)}")
        lines.append(f"    revision  {_field(app.target_revision.before, app.target_revision.after, app.action)}")
        if app.repo_url.changed and app.action == "update":
            lines.append(f"    repo      {_field(app.repo_url.before, app.repo_url.after, app.action)}")
        if app.values_unreadable:
            lines.append(f"    values    {app.values_unreadable}")
        lines.extend(f"    {_change_text(change)}" for change in app.values)
    others = [o for o in report.summary.other if o.action != "no-op"]
    if others:
        lines.append("")
        lines.extend(f"{SYMBOLS[o.action]} {o.address} ({o.action})" for o in others)
    lines.append("")
    if report.manifests is None:
        lines.append(f"rendered manifests: {report.base_note}")
    elif not report.manifests:
        lines.append(f"rendered manifests: no changes against {report.base_label}")
    else:
        lines.append(f"rendered manifests against {report.base_label}:")
        for diff in report.manifests:
            lines.append(f"  {diff.status:8} {diff.path} (+{diff.added} -{diff.removed})")
            lines.extend("    " + line for line in diff.diff.rstrip("\n").splitlines())
    lines += fleet_text(report.fleet)
    lines.append("")
    lines.append(f"saved plan: {report.plan_file}  (apply it with: otelstack apply {report.apply_args})")
    return "\n".join(lines) + "\n"


CLUSTER_SYMBOLS = {"added": "+", "removed": "-", "changed": "~"}


def _change_text(change) -> str:
    mark = {"add": "+", "remove": "-", "change": "~"}[change.action]
    detail = _value(change.after) if change.action == "add" else _value(change.before) if change.action == "remove" else f"{_value(change.before)} → {_value(change.after)}"
    return f"{mark} {change.path}: {detail}"


def fleet_text(fleet) -> list[str]:
    if fleet is None:
        return []
    if fleet.changes is None:
        return ["", f"fleet ({_plural(fleet.clusters, 'cluster')}): {fleet.note}"]
    if not fleet.changes:
        return ["", f"fleet ({_plural(fleet.clusters, 'cluster')}): no cluster changes against {fleet.base_label}"]
    lines = ["", f"fleet ({_plural(fleet.clusters, 'cluster')}) against {fleet.base_label}:"]
    for cluster in fleet.changes:
        lines.append(f"  {CLUSTER_SYMBOLS[cluster.status]} cluster {cluster.cluster} ({cluster.status})")
        for app in cluster.applications:
            revision = _field(app.revision[0], app.revision[1], app.action)
            lines.append(f"      {SYMBOLS[app.action]} {app.name} ({app.action}, revision {revision})")
            lines.extend(f"          {_change_text(change)}" for change in app.values)
    return lines


def fleet_markdown(fleet) -> list[str]:
    if fleet is None:
        return []
    out = ["", f"#### Fleet ({_plural(fleet.clusters, 'cluster')})" + (f" against `{fleet.base_label}`" if fleet.changes is not None else ""), ""]
    if fleet.changes is None:
        return out + [fleet.note]
    if not fleet.changes:
        return out + ["No cluster changes."]
    out += ["| | cluster | application | action | revision | values |", "|---|---|---|---|---|---|"]
    for cluster in fleet.changes:
        for app in cluster.applications:
            values = ", ".join(f"`{c.path}`" for c in app.values) or "–"
            out.append(f"| `{CLUSTER_SYMBOLS[cluster.status]}` | {cluster.cluster} | {app.name} | {app.action} | "
                       f"{_field(app.revision[0], app.revision[1], app.action)} | {values} |")
    for cluster in fleet.changes:
        for app in cluster.applications:
            if app.values:
                out += ["", f"<details><summary>{cluster.cluster} / {app.name}: {_plural(len(app.values), 'value change')}</summary>", "",
                        "| value | before | after |", "|---|---|---|"]
                out += [f"| `{c.path}` | {_md(c.before)} | {_md(c.after)} |" for c in app.values]
                out += ["", "</details>"]
    return out


def as_markdown(report) -> str:
    out = [f"### otelstack plan: `{report.label}`", "", f"**{_headline(report)}**", ""]
    v = report.validation
    out.append(f"Validation: {_validation(v)}")
    changed = [a for a in report.summary.applications if a.action != "no-op"]
    if changed:
        out += ["", "| | application | action | chart | revision |", "|---|---|---|---|---|"]
        for app in changed:
            out.append(f"| `{SYMBOLS[app.action]}` | {app.name} | {app.action} | {_field(app.chart.before, app.chart.after, app.action)} | "
                       f"{_field(app.target_revision.before, app.target_revision.after, app.action)} |")
        for app in changed:
            if not app.values and not app.values_unreadable:
                continue
            count = f"{len(app.values)} value change{'s' if len(app.values) != 1 else ''}" if app.values else app.values_unreadable
            out += ["", f"<details><summary>{app.name}: {count}</summary>", ""]
            if app.values:
                out += ["| value | before | after |", "|---|---|---|"]
                for change in app.values:
                    out.append(f"| `{change.path}` | {_md(change.before)} | {_md(change.after)} |")
            out += ["", "</details>"]
    other = [o for o in report.summary.other if o.action != "no-op"]
    if other:
        out += ["", "Other resources: " + ", ".join(f"`{o.address}` ({o.action})" for o in other)]
    out += ["", f"#### Rendered manifests (against `{report.base_label}`)" if report.manifests is not None else "#### Rendered manifests", ""]
    if report.manifests is None:
        out.append(report.base_note)
    elif not report.manifests:
        out.append("No changes.")
    else:
        for diff in report.manifests:
            summary = f"{diff.path} ({diff.status}, +{diff.added} −{diff.removed})"
            if diff.diff.count("\n") > LONG_DIFF_LINES:
                out += [f"<details><summary>{summary}</summary>", "", "```diff", diff.diff.rstrip("\n"), "```", "", "</details>"]
            else:
                out += [f"**{summary}**", "", "```diff", diff.diff.rstrip("\n"), "```"]
            out.append("")
    out += fleet_markdown(report.fleet)
    return "\n".join(out).rstrip("\n") + "\n"


def _md(value: Any) -> str:
    if value is None:
        return "–"
    text = value if isinstance(value, str) else json.dumps(value)
    return "`" + text.replace("|", "\\|").replace("`", "'") + "`"


def as_json(report) -> str:
    payload = {
        "version": 1,
        "environment": report.environment,
        "root": report.root_display,
        "plan_file": report.plan_file,
        "validation": report.validation,
        "summary": {**report.summary.counts(), "other": sum(1 for o in report.summary.other if o.action != "no-op")},
        "applications": [app.to_json() for app in report.summary.applications],
        "other_changes": [{"address": o.address, "action": o.action} for o in report.summary.other],
        "manifests": {"base": report.base_label, "note": report.base_note,
                      "files": [d.to_json() for d in report.manifests] if report.manifests is not None else None},
        "fleet": report.fleet.to_json() if report.fleet is not None else None,
    }
    return json.dumps(payload, indent=2) + "\n"


FORMATS = {"text": as_text, "markdown": as_markdown, "json": as_json}
