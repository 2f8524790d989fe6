"""The stack definition (`otelstack.yaml`): rendered in memory, so its findings are the same whether or
not the output is committed, and the committed output is compared with it (`render-stale`)."""

from __future__ import annotations

import os

from otelstack.errors import OtelstackError
from otelstack.hcl import FileRef
from otelstack.source import Located, Location
from otelstack.specs import stack_app_doc, stack_fleet
from otelstack.stack import DEFAULT_FILENAME
from otelstack.validate.loaders import kubernetes, terraform
from otelstack.validate.loaders.core import YAML_SUFFIXES, Loader, first_changed_line
from otelstack.validate.loaders.discover import Input
from otelstack.validate.model import Application, ApplicationSetModel, SourceFile
from otelstack.yamlsource import load_yaml, read_text

NAME = "stack"
ORDER = 0  # first: the files it renders are then recognised as its output


def claims(name: str) -> bool:
    return name == DEFAULT_FILENAME


def load(loader: Loader, item: Input) -> None:
    from otelstack.render import owned_files, render
    from otelstack.render.files import plan_changes
    from otelstack.stack import load_stack

    try:
        stack_file = load_stack(item.fs_path, item.display)
    except OtelstackError as exc:
        for error in getattr(exc, "errors", [exc]):
            loader.problem("stack-definition", error.location or Location(item.display), error.message, error.hint)
        return
    text = read_text(item.fs_path, item.display)
    loader.register(SourceFile(item.display, item.fs_path, "stack", text))
    for error in stack_file.problems:
        loader.problem("stack-definition", error.location or Location(item.display), error.message, error.hint)
    if stack_file.problems:
        return
    stacks = stack_file.stacks()
    first = stacks[0]
    platform = loader.platform
    platform.kubernetes_version = first.kubernetes_version
    platform.argocd_version = first.argocd_version
    for stack in stacks:
        platform.registered_clusters |= set(stack.get("argocd", "registeredClusters", default=[]) or [])
    platform.external_secrets |= stack_file.external_secrets()
    platform.rule_settings.update(first.get("validate", "rules", default={}) or {})
    platform.platform_repos.add(first.data["repository"]["url"])
    try:
        result = render(stack_file)
    except OtelstackError as exc:
        loader.problem("stack-definition", exc.location or Location(item.display), exc.message, exc.hint)
        return
    root = str(stack_file.root)
    base_dir = os.path.dirname(item.display)
    for rel, content in result.outputs.items():
        loader.generated[os.path.join(root, rel)] = content
    for change in plan_changes(stack_file.root, result.outputs, owned_files(stack_file.root, produced=result.outputs)):
        display = os.path.join(base_dir, change.path) if base_dir else change.path
        platform.stale.append((change.kind, Location(display, first_changed_line(change.diff)), item.display))
    for env, composition in result.compositions.items():
        members = [c.composition for c in composition.clusters] if stack_file.is_fleet(env) else [composition]
        platform.stack_components |= {
            app.spec["source"]["chart"] for member in members for app in member.applications if app.spec["source"]["chart"]
        }
        origin = f"{item.display} (environment {env})"
        for rel, content in result.outputs.items():
            if rel.split("/")[2] != env:  # manifests/rendered/<env>/..., terraform/environments/<env>/...
                continue
            display = os.path.join(base_dir, rel) if base_dir else rel
            fs = os.path.join(root, rel)
            if rel.endswith(YAML_SUFFIXES) and rel.startswith("manifests/"):
                kubernetes.load_file(loader, SourceFile(display, fs, "yaml", content, origin))
            elif rel.endswith(".tf"):
                terraform.load_file(loader, SourceFile(display, fs, "hcl", content, origin))
            elif rel.endswith(".tfvars.json") and stack_file.is_fleet(env):
                _fleet(loader, SourceFile(display, fs, "json", content, origin))
            elif rel.endswith(".tfvars.json"):
                _applications(loader, SourceFile(display, fs, "json", content, origin))
            elif rel.endswith(YAML_SUFFIXES):
                loader.register(SourceFile(display, fs, "yaml", content, origin))


def _spec_document(loader: Loader, file: SourceFile) -> Located | None:
    """A rendered root's otelstack.auto.tfvars.json (JSON is YAML: positions come for free)."""
    loader.register(file)
    loaded = load_yaml(file.text, file.path)
    return loaded.documents[0] if loaded.documents else None


def _applications(loader: Loader, file: SourceFile, spec_doc: Located | None = None, key: str = "applications") -> None:
    """Applications of a rendered root: a single environment's, or a fleet's cluster registrations."""
    spec_doc = spec_doc or _spec_document(loader, file)
    if spec_doc is None:
        return
    argocd_namespace = spec_doc.data.get("argocd_namespace")
    apps = spec_doc.data.get(key) or {}
    tiers: dict[int, list[str]] = {}
    for name, spec in apps.items():
        tiers.setdefault(spec.get("tier", 0), []).append(name)
    for name, spec in apps.items():
        doc = stack_app_doc(spec_doc, name, argocd_namespace, key)
        lower = [n for tier, names in tiers.items() if tier < spec.get("tier", 0) for n in names]
        app = Application(name, doc, "stack", file, address=f"module.otelstack[{name!r}]",
                          depends_on=[f"application.{n}" for n in lower], wait=spec.get("wait"))
        values_file = (spec.get("source") or {}).get("values_file")
        if values_file:
            doc.data["spec"]["sources"][0]["helm"]["values"] = FileRef(os.path.join(os.path.dirname(file.fs_path), values_file))
        loader.add_application(app)


def _fleet(loader: Loader, file: SourceFile) -> None:
    spec_doc = _spec_document(loader, file)
    if spec_doc is None:
        return
    clusters, application_sets = stack_fleet(spec_doc)
    loader.platform.clusters += clusters
    loader.platform.application_sets += [ApplicationSetModel(name, doc, "stack", file, f"module.fleet[{name!r}]")
                                         for name, doc in application_sets]
    _applications(loader, file, spec_doc, "registrations")
