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
    return (
        f"{comment} {GENERATED_MARKER} from {stack.stack_file} (environment {stack.environment}).\n"
        f"{comment} Do not edit: change {stack.stack_file}, then run `otelstack render`."
    )


@dataclass
class RenderResult:
    outputs: dict[str, str]  # relative path -> content
    compositions: dict[str, Composition]


def render_environment(stack: Stack, templates: TemplateSet) -> tuple[dict[str, str], Composition]:
    composition = compose(stack)
    labels = {"app.kubernetes.io/managed-by": MANAGED_BY, "app.kubernetes.io/part-of": "otelstack"}
    outputs: dict[str, str] = {}
    manifests = rendered_path(stack)
    outputs[f"{manifests}/collector.yaml"] = templates.render(
        "collector.yaml.j2", header=header(stack), collector=stack.collector, labels=labels
    )
    if stack.instrumentation.get("enabled"):
        outputs[f"{manifests}/instrumentation.yaml"] = templates.render(
            "instrumentation.yaml.j2", header=header(stack), instrumentation=stack.instrumentation,
            collector=stack.collector, endpoint=composition.instrumentation_endpoint,
            protocol={"grpc": "grpc", "http": "http/protobuf"}[stack.instrumentation.get("protocol", "http")], labels=labels,
        )
    for rel, text in list(outputs.items()):
        _require_yaml(rel, text, templates.origin)
    root = environment_root(stack.environment)
    outputs[f"{root}/main.tf"] = templates.render(
        "environment/main.tf.j2", header=header(stack), module_source=stack.module_source,
        provider_version=stack.provider_version,
    )
    applications = {}
    for app in composition.applications:
        applications[app.name] = app.spec
        if app.values is not None:
            outputs[f"{root}/{app.values_file}"] = header(stack) + "\n" + dump_yaml(app.values)
    tfvars = {"argocd_namespace": stack.data["argocd"]["namespace"], "applications": applications}
    outputs[f"{root}/{TFVARS_NAME}"] = json.dumps(tfvars, indent=2, ensure_ascii=False) + "\n"
    return outputs, composition


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
        env_outputs, composition = render_environment(stack_file.resolve(env), templates)
        outputs.update(env_outputs)
        compositions[env] = composition
    return RenderResult(outputs, compositions)


def owned_files(root: FsPath, environments: list[str] | None = None) -> list[str]:
    """Generated files already on disk (so render can remove the ones it no longer produces)."""
    found: list[str] = []
    for top in OUTPUT_DIRS:
        base = root / top
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            rel = path.relative_to(root).as_posix()
            if environments is not None and rel.split("/")[2] not in environments:
                continue
            if path.is_file() and (path.name == TFVARS_NAME or is_generated(path)):
                found.append(rel)
    return found


def changes_for(stack_file: StackFile, result: RenderResult, environments: list[str] | None) -> list[Change]:
    return plan_changes(stack_file.root, result.outputs, owned_files(stack_file.root, environments))


__all__ = ["Change", "RenderResult", "apply_changes", "changes_for", "render", "render_environment", "environment_root"]
