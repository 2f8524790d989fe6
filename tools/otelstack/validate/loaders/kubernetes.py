"""Kubernetes objects in YAML (or JSON) files: every object for the schema and security rules, Argo CD
Applications and ApplicationSets, cluster Secrets (the clusters ApplicationSets generate for)."""

from __future__ import annotations

import base64
import binascii
import re

from otelstack.memo import content_key
from otelstack.source import Located, Unknown
from otelstack.validate.loaders import flux
from otelstack.validate.loaders.core import Loader
from otelstack.validate.loaders.discover import Input
from otelstack.validate.model import Application, ApplicationSetModel, KubeObject, SourceFile, sources_as_list
from otelstack.yamlsource import load_yaml

NAME = "kubernetes"
ORDER = 3
SUFFIXES = (".yaml", ".yml", ".json")
# Templates another tool renders (envsubst, Terraform's templatefile): read as YAML with their
# placeholders unknown when they are YAML already; listed as not read when they are not.
TEMPLATE_SUFFIXES = (".tpl", ".tftpl")
STACK_FILE = "otelstack.yaml"

# A value that is nothing but a placeholder another tool fills in before Kubernetes sees it:
# envsubst `${VAR}`, a collector `${env:VAR}`, a Terraform template `${...}`/`%{...}`, a Go/Helm `{{ ... }}`.
WHOLE_PLACEHOLDER = re.compile(r"^\s*(\$\{[^{}]*\}|%\{[^{}]*\}|\{\{.*\}\})\s*$", re.S)


def claims(name: str) -> bool:
    return name.endswith(SUFFIXES + TEMPLATE_SUFFIXES) and name != STACK_FILE


def load(loader: Loader, item: Input) -> None:
    text = loader.read(item, "syntax-yaml")
    if text is not None:
        load_file(loader, SourceFile(item.display, item.fs_path, "yaml", text), template=item.fs_path.endswith(TEMPLATE_SUFFIXES))


# A placeholder another tool fills in before the text is YAML: envsubst/Terraform `${...}`,
# Terraform template directives `%{...}`, Go/Helm/mustache `{{ ... }}`, Jinja `{% ... %}`.
PLACEHOLDER = re.compile(r"\$\{[^}\n]*\}|%\{[^}\n]*\}|\{\{.*?\}\}|\{%.*?%\}", re.S)


def template_placeholder(text: str, problems) -> str | None:
    """When every parse problem of a file sits on (or just after) a line with a placeholder, the file
    is a template, not broken YAML: the placeholder that shows it, else None. A Go/Helm action or a
    Jinja block that opens its line may span lines: each of its lines counts."""
    placeholders: dict[int, str] = {}  # line -> the first placeholder on it
    for match in PLACEHOLDER.finditer(text):
        line_start = text.rfind("\n", 0, match.start()) + 1
        if "\n" in match.group(0) and text[line_start:match.start()].strip():
            continue  # an action spanning lines opens its own line; a stray `{{` in a value does not make a template
        first = text.count("\n", 0, match.start()) + 1
        for line in range(first, first + match.group(0).count("\n") + 1):
            placeholders.setdefault(line, " ".join(match.group(0).split()))
    found = None
    for problem in problems:
        line = next((n for n in (problem.location.line, problem.location.line - 1) if n in placeholders), None)
        if line is None:
            return None
        found = found or placeholders[line]
    return found


def load_file(loader: Loader, file: SourceFile, template: bool = False) -> None:
    loader.register(file)
    loaded = load_yaml(file.text, file.path)
    if loaded.problems:
        placeholder = template_placeholder(file.text, loaded.problems)
        if placeholder is not None or template:
            _not_read(loader, file, f"a template: YAML only once its placeholders ({placeholder}) are filled in by another tool"
                      if placeholder is not None else "a template that is not YAML before another tool renders it")
            return
    if loaded.documents and all(isinstance(d.data, dict) and isinstance(d.data.get("sops"), dict)
                                and str(d.data.get("kind", "")).startswith("ENC[") for d in loaded.documents):
        _not_read(loader, file, "encrypted with SOPS down to its kind (decrypted where it is applied): not checked")
        return
    tool = _tool_configuration(loaded.documents)
    if tool is not None and not loaded.problems:
        _not_read(loader, file, f"a {tool} configuration (what that tool deploys is not read): not checked")
        return
    loader.yaml_cache[file.fs_path] = loaded
    for problem in loaded.problems:
        rule = "yaml-duplicate-key" if problem.message.startswith("duplicate key") else "syntax-yaml"
        loader.problem(rule, problem.location, problem.message)
    for index, doc in enumerate(loaded.documents):
        loader.guard(doc.location(), f"reading document {index + 1} of {file.path}", add_document, loader, file, index, doc)


def _not_read(loader: Loader, file: SourceFile, reason: str) -> None:
    """A file that holds no object to check: out of the report's files, listed as not read."""
    del loader.platform.files[file.path]
    loader.skip(file.path, reason)


def add_document(loader: Loader, file: SourceFile, index: int, doc: Located) -> KubeObject | None:
    data = doc.data
    if not (isinstance(data, dict) and isinstance(data.get("apiVersion"), str) and isinstance(data.get("kind"), str)):
        return None
    kind, api_version = data["kind"], data["apiVersion"]
    if _sops_encrypted(data):
        # SOPS metadata: Flux (or `sops -d`) decrypts the object and drops it before anything is applied
        doc.data = data = {key: value for key, value in data.items() if key != "sops"}
    is_argo = api_version.startswith("argoproj.io/")
    if not (is_argo and kind == "ApplicationSet"):
        doc.data = placeholders_unknown(doc.data)  # an ApplicationSet's {{ }} are its templates: expanded later
    obj = KubeObject(doc, file, index)
    loader.platform.objects.append(obj)
    if is_argo and kind == "Application":
        shaped = sources_as_list(doc)
        loader.add_application(Application(shaped.get(("metadata", "name")), shaped, "yaml", file,
                                           address=f"Application/{shaped.get(('metadata', 'name'))}", obj=obj))
    elif is_argo and kind == "ApplicationSet":
        loader.platform.application_sets.append(ApplicationSetModel(
            doc.get(("metadata", "name")), sources_as_list(doc, ("spec", "template", "spec")), "yaml", file,
            f"ApplicationSet/{doc.get(('metadata', 'name'))}"))
    elif flux.is_release(api_version, kind):
        flux.read_release(loader, obj)
    elif kind == "Secret" and _labels(doc).get("argocd.argoproj.io/secret-type") == "cluster":
        _cluster_secret(loader, doc)
    return obj


# Configuration files of local tools that look like Kubernetes objects but never reach a cluster
TOOL_API_VERSIONS = {"skaffold/": "Skaffold", "kind.x-k8s.io/": "kind cluster", "k3d.io/": "k3d cluster", "ctlptl.dev/": "ctlptl",
                     "tilt.dev/": "Tilt"}


def _tool_configuration(documents) -> str | None:
    tools = set()
    for doc in documents:
        api_version = doc.data.get("apiVersion") if isinstance(doc.data, dict) else None
        tool = next((name for prefix, name in TOOL_API_VERSIONS.items() if isinstance(api_version, str) and api_version.startswith(prefix)), None)
        if tool is None:
            return None
        tools.add(tool)
    return tools.pop() if len(tools) == 1 else None


def _sops_encrypted(data: dict) -> bool:
    sops = data.get("sops")
    return isinstance(sops, dict) and "mac" in sops and "version" in sops


def placeholders_unknown(value):
    """Whole-value placeholders become Unknown: what they hold is decided by another tool."""
    key = content_key(value)
    if key is not None and b"${" not in key and b"%{" not in key and b"{{" not in key:
        return value  # no text in it opens a placeholder (its bytes are in the key as they are)
    return _placeholders_unknown(value)


def _placeholders_unknown(value):
    if isinstance(value, dict):
        return {k: _placeholders_unknown(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_placeholders_unknown(v) for v in value]
    if isinstance(value, str) and ("${" in value or "%{" in value or "{{" in value) and WHOLE_PLACEHOLDER.match(value):
        return Unknown(value.strip())
    return value


def _labels(doc: Located) -> dict:
    labels = doc.get(("metadata", "labels"))
    return labels if isinstance(labels, dict) else {}


def _cluster_secret(loader: Loader, doc: Located) -> None:
    from otelstack.fleet.expand import ClusterTarget

    string_data = doc.get(("stringData",))
    fields = dict(string_data) if isinstance(string_data, dict) else {}
    data = doc.get(("data",))
    for key, value in (data.items() if isinstance(data, dict) else ()):
        try:
            fields.setdefault(key, base64.b64decode(str(value)).decode())
        except (binascii.Error, UnicodeDecodeError, ValueError):
            continue
    server = fields.get("server")
    if isinstance(server, str):
        metadata = doc.get(("metadata",)) or {}
        name = fields.get("name")
        loader.platform.clusters.append(ClusterTarget.of(name if isinstance(name, str) else server, server, metadata.get("labels"),
                                                         metadata.get("annotations"), doc.location()))
