"""`otelstack render`: every artifact of every environment, from the stack definition.

Output (relative to the platform repo root), per environment E:
  manifests/rendered/E/*.yaml                      Kubernetes objects Argo CD syncs from this repo
  terraform/environments/E/main.tf                 the environment's Terraform root
  terraform/environments/E/otelstack.auto.tfvars.json   application specs for that root
  terraform/environments/E/values/<app>.yaml       Helm values of each chart application
Rendering happens in memory; nothing is written unless every file rendered.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path as FsPath

from otelstack.render.compose import MANAGED_BY, Composition, compose, rendered_path
from otelstack.render.files import GENERATED_MARKER, Change, apply_changes, is_generated, plan_changes
from otelstack.render.templates import TemplateSet, dump_yaml
from otelstack.errors import UsageError
from otelstack.stack import Stack, StackFile
from otelstack.yamlsource import load_yaml

OUTPUT_DIRS = ("manifests/rendered", "terraform/environments")
TFVARS_NAME = "otelstack.auto.tfvars.json"


def environment_root(environment: str) -> str:
    return f"terraform/environments/{environment}"


def header(stack: Stack, comment: str = "#") -> str:
    where = f"environment {stack.environment}" + (f", cluster {stack.cluster}" if stack.cluster else "")
    return (
        f"{comment} {GENERATED_MARKER} from {stack.stack_file} ({where}).\n"
        f"{comment} Do not edit: change {stack.stack_file}, then run `otelstack render`."
    )


@dataclass
class RenderResult:
    outputs: dict[str, str]  # relative path -> content
    compositions: dict[str, Composition]


class BodyCache:
    """A fleet's per-cluster files differ in their header (it names the cluster) and in what each
    cluster overrides: each distinct body is rendered (and checked) once, then headed per cluster."""

    PLACEHOLDER = "# (header, line 1)\n# (header, line 2)"  # as many lines as header(): positions hold

    def __init__(self) -> None:
        self.bodies: dict[tuple, str] = {}
        self.keys: dict[int, tuple[object, str]] = {}  # id -> (the value, kept alive; its key)

    def get(self, key: tuple, make) -> str:
        body = self.bodies.get(key)
        if body is None:
            body = self.bodies[key] = make()
        return body

    def key(self, value) -> str:
        """_key(value), once per object: clusters that compose alike share their values and sections."""
        found = self.keys.get(id(value))
        if found is None or found[0] is not value:
            found = self.keys[id(value)] = (value, _key(value))
        return found[1]


def _key(value) -> str:
    return json.dumps(value, ensure_ascii=False, default=repr)  # insertion order kept: it is the output's


def _manifests(stack: Stack, composition: Composition, templates: TemplateSet, folder: str, cache: BodyCache | None = None) -> dict[str, str]:
    """The collector CR (with its Namespace) and the Instrumentation, rendered into `folder`."""
    cache = cache or BodyCache()
    labels = {"app.kubernetes.io/managed-by": MANAGED_BY, "app.kubernetes.io/part-of": "otelstack"}
    outputs: dict[str, str] = {}
    head = header(stack)

    def rendered(rel: str, name: str, **context) -> str:
        def make() -> str:
            text = templates.render(name, header=BodyCache.PLACEHOLDER, **context)
            _require_yaml(rel, text, templates.origin)
            return text

        return cache.get((name, tuple((k, cache.key(v)) for k, v in context.items())), make).replace(BodyCache.PLACEHOLDER, head, 1)

    outputs[f"{folder}/collector.yaml"] = rendered(f"{folder}/collector.yaml", "collector.yaml.j2",
                                                   collector=composition.collector, labels=labels)
    if stack.instrumentation.get("enabled"):
        outputs[f"{folder}/instrumentation.yaml"] = rendered(
            f"{folder}/instrumentation.yaml", "instrumentation.yaml.j2", instrumentation=stack.instrumentation,
            collector=stack.collector, endpoint=composition.instrumentation_endpoint,
            protocol={"grpc": "grpc", "http": "http/protobuf"}[stack.instrumentation.get("protocol", "http")], labels=labels,
        )
    if composition.collector.get("env"):
        _require_collector_env(f"{folder}/collector.yaml", outputs[f"{folder}/collector.yaml"], templates.origin)
    return outputs


def _require_collector_env(rel: str, text: str, origin: str) -> None:
    """The hosted backend's headers come from the collector's env: a repo's own older template that
    does not render `spec.env` would send them empty."""
    for doc in load_yaml(text, rel).documents:
        if isinstance(doc.data, dict) and doc.data.get("kind") == "OpenTelemetryCollector":
            if (doc.data.get("spec") or {}).get("env"):
                return
    raise UsageError(f"the templates in {origin} render no spec.env for the collector in {rel}, which the hosted backend's headers need",
                     hint="add the `collector.env` block of otelstack's collector.yaml.j2 to your copy of the template")


def _values(stack: Stack, composition: Composition, folder: str, cache: BodyCache | None = None) -> dict[str, str]:
    cache = cache or BodyCache()
    return {f"{folder}/{app.name}.yaml": header(stack) + "\n" + cache.get(("values", cache.key(app.values)), lambda app=app: dump_yaml(app.values))
            for app in composition.applications if app.values is not None}


def tfvars_text(data: dict) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def render_environment(stack: Stack, templates: TemplateSet) -> tuple[dict[str, str], Composition]:
    composition = compose(stack)
    outputs = _manifests(stack, composition, templates, rendered_path(stack))
    root = environment_root(stack.environment)
    outputs[f"{root}/main.tf"] = templates.render(
        "environment/main.tf.j2", header=header(stack), module_source=stack.module_source,
        provider_version=stack.provider_version,
    )
    outputs.update(_values(stack, composition, f"{root}/values"))
    applications = {app.name: app.spec for app in composition.applications}
    outputs[f"{root}/{TFVARS_NAME}"] = tfvars_text({"argocd_namespace": stack.data["argocd"]["namespace"], "applications": applications})
    return outputs, composition


def render_fleet_environment(stack_file: StackFile, environment: str, templates: TemplateSet):
    """A fleet environment: per cluster its manifests and values; one root with ApplicationSets."""
    from otelstack.fleet.compose import cluster_secret, compose_fleet, registrations_path, tfvars

    fleet = compose_fleet(stack_file, environment)
    outputs: dict[str, str] = {}
    root = environment_root(environment)
    cache = BodyCache()
    for member in fleet.clusters:
        outputs.update(_manifests(member.stack, member.composition, templates, f"{rendered_path(member.stack)}/{member.name}", cache))
        outputs.update(_values(member.stack, member.composition, f"{root}/values/{member.name}", cache))
    stack = fleet.stack
    for member in fleet.in_cluster:
        outputs[f"{registrations_path(stack)}/{member.name}.yaml"] = header(stack) + "\n" + dump_yaml(cluster_secret(fleet, member))
    outputs[f"{root}/main.tf"] = templates.render(
        "environment/fleet.tf.j2", header=header(stack), module_source=stack.fleet_module_source,
        provider_version=stack.provider_version,
    )
    outputs[f"{root}/{TFVARS_NAME}"] = tfvars_text(tfvars(fleet))
    return outputs, fleet


def _require_yaml(rel: str, text: str, origin: str) -> None:
    loaded = load_yaml(text, rel)
    if loaded.problems:
        problem = loaded.problems[0]
        raise UsageError(
            f"the templates in {origin} produced invalid YAML for {rel}: {problem.message}",
            location=problem.location,
        )


def render(stack_file: StackFile, environments: list[str] | None = None) -> RenderResult:
    stack_file.require_valid()
    templates = TemplateSet(stack_file.root)
    outputs: dict[str, str] = {}
    compositions: dict[str, Composition] = {}
    for env in environments or stack_file.environments:
        if stack_file.is_fleet(env):
            env_outputs, composition = render_fleet_environment(stack_file, env, templates)
        else:
            env_outputs, composition = render_environment(stack_file.resolve(env), templates)
        outputs.update(env_outputs)
        compositions[env] = composition
    return RenderResult(outputs, compositions)


def owned_files(root: FsPath, environments: list[str] | None = None, produced: Collection[str] = ()) -> list[str]:
    """Generated files already on disk (so render can remove the ones it no longer produces).
    Files in `produced` are rendered again anyway: they are listed without reading their marker
    (a fleet has tens of thousands)."""
    import os

    found: list[str] = []
    base_dir = str(root)
    for top in OUTPUT_DIRS:
        base = os.path.join(base_dir, top)
        if not os.path.isdir(base):
            continue
        for directory, dirnames, filenames in os.walk(base):
            dirnames.sort()
            prefix = base_dir.rstrip(os.sep) + os.sep
            rel_dir = (directory[len(prefix):] if directory.startswith(prefix) else os.path.relpath(directory, base_dir)).replace(os.sep, "/")
            for name in sorted(filenames):
                rel = f"{rel_dir}/{name}"
                if environments is not None and rel.split("/")[2] not in environments:
                    continue
                if rel in produced or name == TFVARS_NAME or is_generated(FsPath(directory, name)):
                    found.append(rel)
    return sorted(found)


def changes_for(stack_file: StackFile, result: RenderResult, environments: list[str] | None) -> list[Change]:
    return plan_changes(stack_file.root, result.outputs, owned_files(stack_file.root, environments, result.outputs))


__all__ = ["Change", "RenderResult", "apply_changes", "changes_for", "render", "render_environment", "environment_root"]
