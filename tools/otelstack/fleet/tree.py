"""Every ApplicationSet of a tree expanded offline: the validator's hook (each generated
Application joins the model; a template that cannot be expanded joins it as an "appset-template"
Application with its placeholders unknown, so the checks that need no parameters still run), and
`otelstack fleet expand PATH` / `fleet diff PATH` on any repository, stack definition or not.

The tree is loaded with the validator's loaders: YAML ApplicationSets and cluster Secrets,
Terraform `argocd_application_set` and `argocd_cluster`, the stack definition's fleet
environments. A git generator reads the repository the tree is in when its repoURL is one of that
repository's remotes.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any

from otelstack.fleet.expand import Expansion, NotExpanded, expand
from otelstack.fleet.gitsource import GitSource
from otelstack.source import Located, Unknown


def git_source_for(root: str, head: str = "HEAD") -> GitSource | None:
    from otelstack.gitrepo import find_repository

    repository = find_repository(root)
    return GitSource(repository, head) if repository is not None else None


def expand_platform(platform: Any, git: GitSource | None = None) -> list[tuple[Any, Any]]:
    """Expand every ApplicationSet of a loaded platform; returns (ApplicationSetModel, Application)
    pairs for the loader to add: the generated applications, or the template itself when the
    ApplicationSet generated none."""
    git = git if git is not None else git_source_for(platform.root)
    return [pair for appset in platform.application_sets for pair in expand_one(platform, appset, git)]


def expand_one(platform: Any, appset: Any, git: GitSource | None) -> list[tuple[Any, Any]]:
    """One ApplicationSet of a loaded platform: its generated applications, or its template."""
    from otelstack.validate.model import Application

    out: list[tuple[Any, Any]] = []
    expansion = expand(appset.doc, platform.clusters, git=git)
    appset.expansion = expansion
    for generated in expansion.generated:
        cluster = generated.cluster.name if generated.cluster is not None else ""
        name = generated.doc.get(("metadata", "name"))
        app = Application(name, generated.doc, f"appset-{appset.origin}", appset.file,
                          address=f"ApplicationSet/{appset.label}[{cluster or name}]", cluster=cluster,
                          generated_by=str(appset.doc.location()))
        out.append((appset, app))
    if not expansion.generated:
        template = template_document(appset.doc)
        if template is not None:
            name = template.get(("metadata", "name"))
            out.append((appset, Application(name, template, "appset-template", appset.file,
                                            address=f"ApplicationSet/{appset.label} (template)",
                                            generated_by=str(appset.doc.location()))))
    return out


def template_document(appset: Located) -> Located | None:
    """The ApplicationSet's template as an Application, every templated string unknown."""
    template = appset.get(("spec", "template"))
    if not isinstance(template, dict):
        return None
    doc = appset.sub(("spec", "template"))
    doc.data = _placeholders_unknown(template)
    metadata = doc.data.setdefault("metadata", {})
    if isinstance(metadata, dict):
        metadata["namespace"] = appset.get(("metadata", "namespace"))
        doc.locations.setdefault(("metadata", "namespace"), appset.location(("metadata", "namespace")))
    return doc


def _placeholders_unknown(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _placeholders_unknown(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_placeholders_unknown(v) for v in value]
    if isinstance(value, str) and "{{" in value:
        return Unknown(value)
    return value


# --- `fleet expand PATH` -----------------------------------------------------------------------

@dataclass
class TreeApp:
    application_set: str
    where: str  # file:line of the ApplicationSet
    cluster: str
    name: Any
    namespace: Any
    project: Any
    destination: dict
    sources: list[dict]

    def to_json(self) -> dict:
        not_expanded: dict[str, str] = {}
        fields = {key: _json_value(value, key, not_expanded) for key, value in (
            ("name", self.name), ("namespace", self.namespace), ("project", self.project),
            ("destination", self.destination), ("sources", self.sources))}
        return {"application_set": self.application_set, "cluster": self.cluster, **fields, "not_expanded": not_expanded}


@dataclass
class TreeAppSet:
    name: str
    where: str
    mode: str  # goTemplate | fasttemplate
    expansion: Expansion
    applications: list[TreeApp] = field(default_factory=list)


@dataclass
class TreeExpansion:
    paths: list[str]
    clusters: list[Any]
    application_sets: list[TreeAppSet] = field(default_factory=list)
    load_errors: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[tuple[str, Any]]:
        return [(a.name, p) for a in self.application_sets for p in a.expansion.problems if p.kind != "unknown"]


PROBLEM_SEVERITY = {"template-error": "error", "invalid-name": "error", "matrix": "error", "unsupported": "warning",
                    "no-match": "warning", "live": "info", "unknown": "not expanded"}


def expand_tree(paths: list[str], git: GitSource | None = None, root_display: str | None = None) -> TreeExpansion:
    from otelstack.validate.engine import load

    platform = load(paths, git_source=git).platform
    result = TreeExpansion(paths, list(platform.clusters))
    for rule, problem in platform.load_problems:
        if rule.startswith("syntax") or rule in ("stack-definition", "yaml-duplicate-key"):
            result.load_errors.append(f"{problem.location}: {problem.message}")
    for appset in platform.application_sets:
        expansion = appset.expansion
        if expansion is None:
            continue
        entry = TreeAppSet(str(appset.label), str(appset.doc.location()), "goTemplate" if expansion.go_template else "fasttemplate",
                           expansion)
        for app in appset.generated:
            spec = app.doc.data.get("spec") if isinstance(app.doc.data.get("spec"), dict) else {}
            entry.applications.append(TreeApp(entry.name, entry.where, app.cluster, app.name,
                                              app.get("metadata", "namespace"), spec.get("project"),
                                              spec.get("destination") if isinstance(spec.get("destination"), dict) else {},
                                              [s for s in spec.get("sources") or [] if isinstance(s, dict)]))
        result.application_sets.append(entry)
    return result


def _not_expanded_reason(value: Unknown) -> str:
    return value.reason if isinstance(value, NotExpanded) else str(value)  # a Terraform expression: "var.x (known at apply)"


def _json_value(value: Any, path: str, not_expanded: dict[str, str]) -> Any:
    """The value for JSON: a field that was not expanded is null, its reason under its path in `not_expanded`."""
    if isinstance(value, Unknown):
        not_expanded[path] = _not_expanded_reason(value)
        return None
    if isinstance(value, dict):
        return {k: _json_value(v, f"{path}.{k}", not_expanded) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_value(v, f"{path}[{i}]", not_expanded) for i, v in enumerate(value)]
    return value


def _shown(value: Any) -> Any:
    """A field for text: its value, or why it was not expanded (never the template text as if it were the value)."""
    return f"<not expanded: {_not_expanded_reason(value)}>" if isinstance(value, Unknown) else value


def _identity(value: Any) -> str:
    """What tells two applications apart across expansions: the name, or its template text when not expanded."""
    return value.expression if isinstance(value, Unknown) else str(value)


def _source_text(source: dict) -> str:
    revision = _shown(source.get("targetRevision"))
    if source.get("chart"):
        return f"chart {_shown(source.get('chart'))} {revision}"
    if source.get("path") is not None:
        return f"path {_shown(source.get('path'))}@{revision}"
    if source.get("ref"):
        return f"ref {_shown(source.get('ref'))}"
    return f"{_shown(source.get('repoURL'))}@{revision}"


def tree_text(result: TreeExpansion) -> str:
    apps = sum(len(a.applications) for a in result.application_sets)
    lines = [f"{len(result.application_sets)} ApplicationSets, {len(result.clusters)} registered clusters, {apps} applications"]
    for error in result.load_errors:
        lines.append(f"{error}")
    for appset in result.application_sets:
        lines += ["", f"ApplicationSet {appset.name}  ({appset.where}, {appset.mode})"]
        by_cluster: dict[str, list[TreeApp]] = {}
        for app in appset.applications:
            by_cluster.setdefault(app.cluster, []).append(app)
        for cluster in sorted(by_cluster):
            if cluster:
                lines.append(f"  cluster {cluster}")
            indent = "    " if cluster else "  "
            for app in sorted(by_cluster[cluster], key=lambda a: _identity(a.name)):
                destination = app.destination.get("server") or app.destination.get("name")
                what = ", ".join(_source_text(s) for s in app.sources) or "no source"
                lines.append(f"{indent}{_shown(app.name)}  (-> {_shown(destination)} {_shown(app.destination.get('namespace'))}; {what})")
        if not appset.applications:
            lines.append("  (no applications)")
        for problem in appset.expansion.problems:
            lines.append(f"  {PROBLEM_SEVERITY.get(problem.kind, 'warning')}: {problem.location}: {problem.message}")
    return "\n".join(lines) + "\n"


def tree_json(result: TreeExpansion) -> str:
    payload = {
        "version": 1,
        "paths": result.paths,
        "clusters": [{"name": c.name, "server": c.server, "labels": dict(c.labels), "annotations": dict(c.annotations)}
                     for c in result.clusters],
        "application_sets": [
            {"name": a.name, "location": a.where, "mode": a.mode, "complete": a.expansion.complete,
             "applications": [app.to_json() for app in sorted(a.applications, key=lambda x: (x.cluster, _identity(x.name)))],
             "problems": [{"kind": p.kind, "severity": PROBLEM_SEVERITY.get(p.kind, "warning"), "location": str(p.location),
                           "message": p.message, "cluster": p.cluster} for p in a.expansion.problems]}
            for a in result.application_sets
        ],
        "load_errors": result.load_errors,
    }
    return json.dumps(payload, indent=2) + "\n"


def exit_failed(result: TreeExpansion) -> bool:
    return bool(result.load_errors) or any(PROBLEM_SEVERITY.get(p.kind) == "error" for _, p in result.problems)


# --- `fleet diff PATH --base REF` ------------------------------------------------------------------

@dataclass
class TreeChange:
    cluster: str
    application_set: str
    name: Any  # a string, or NotExpanded
    action: str  # create | delete | update
    changes: list[Any] = field(default_factory=list)  # plan.summary.ValueChange

    def to_json(self) -> dict:
        not_expanded: dict[str, str] = {}
        return {"cluster": self.cluster, "application_set": self.application_set, "name": _json_value(self.name, "name", not_expanded),
                "not_expanded": not_expanded, "action": self.action,
                "changes": [{"path": c.path, "action": c.action, "before": c.before, "after": c.after} for c in self.changes]}


def tree_diff(base: TreeExpansion | None, head: TreeExpansion) -> list[TreeChange]:
    """Per cluster and application: what the change creates, deletes or updates (field by field)."""
    from otelstack.plan.summary import values_diff

    def index(expansion: TreeExpansion | None) -> dict[tuple[str, str, str], TreeApp]:
        found: dict[tuple[str, str, str], TreeApp] = {}
        for appset in expansion.application_sets if expansion is not None else []:
            for app in appset.applications:
                found[(app.cluster, appset.name, _identity(app.name))] = app
        return found

    before, after = index(base), index(head)
    changes = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        cluster, appset, _ = key
        if old is None:
            changes.append(TreeChange(cluster, appset, new.name, "create"))
        elif new is None:
            changes.append(TreeChange(cluster, appset, old.name, "delete"))
        elif old.to_json() != new.to_json():
            diff, _ = values_diff(old.to_json(), new.to_json())
            changes.append(TreeChange(cluster, appset, new.name, "update", diff))
    return changes


def base_tree(paths: list[str], ref: str) -> TreeExpansion:
    """The same paths expanded as the tree was at `ref`: a detached git worktree of that commit
    (removed afterwards), so git generators read that commit too."""
    import tempfile
    from pathlib import Path

    from otelstack.external import ProcessRunner
    from otelstack.external.git import Git
    from otelstack.gitrepo import find_repository

    repository = find_repository(paths[0])
    if repository is None:
        raise ValueError("not a git repository")
    git = Git(ProcessRunner(), Path(repository.toplevel))
    with tempfile.TemporaryDirectory(prefix="otelstack-base-") as tmp:
        worktree = os.path.join(tmp, "tree")
        git.runner.run(["git", "worktree", "add", "--detach", "--quiet", worktree, ref], cwd=repository.toplevel)
        try:
            mapped = [os.path.join(worktree, repository.relative(p)) for p in paths]
            present = [p for p in mapped if os.path.exists(p)]
            base = find_repository(worktree)
            result = expand_tree(present, GitSource(base, "HEAD") if base is not None else None) if present else TreeExpansion(paths, [])
            for appset in result.application_sets:
                appset.where = appset.where.replace(worktree + os.sep, "")
            return result
        finally:
            git.runner.run(["git", "worktree", "remove", "--force", worktree], cwd=repository.toplevel, check=False)


def diff_text(changes: list[TreeChange], label: str, note: str = "") -> str:
    if note:
        return note + "\n"
    if not changes:
        return f"no application changes against {label}\n"
    lines = [f"against {label}:"]
    cluster = None
    for change in changes:
        if change.cluster != cluster:
            cluster = change.cluster
            lines.append(f"  cluster {cluster or '(none: list or git parameters)'}")
        mark = {"create": "+", "delete": "-", "update": "~"}[change.action]
        lines.append(f"    {mark} {_shown(change.name)} ({change.application_set}, {change.action})")
        for value in change.changes:
            if value.action == "add":
                lines.append(f"        + {value.path}: {json.dumps(value.after)}")
            elif value.action == "remove":
                lines.append(f"        - {value.path}: {json.dumps(value.before)}")
            else:
                lines.append(f"        ~ {value.path}: {json.dumps(value.before)} → {json.dumps(value.after)}")
    return "\n".join(lines) + "\n"


def diff_markdown(changes: list[TreeChange], label: str, note: str = "") -> str:
    if note:
        return note + "\n"
    lines = [f"Applications against {label}:", "", "| | cluster | application | ApplicationSet | what changes |", "| --- | --- | --- | --- | --- |"]
    for change in changes:
        mark = {"create": "+", "delete": "-", "update": "~"}[change.action]
        what = ", ".join(f"{c.path}" for c in change.changes) or change.action
        lines.append(f"| `{mark}` | {change.cluster or '–'} | {_shown(change.name)} | {change.application_set} | {what} |")
    if not changes:
        lines.append("| | | | | no changes |")
    return "\n".join(lines) + "\n"
