"""Kubernetes objects Terraform applies, as objects with positions (the same model as YAML files):

- `kubernetes_manifest` (hashicorp/kubernetes): `manifest` as an object expression or yamldecode();
- `kubectl_manifest` (gavinbunney/kubectl, alekc/kubectl): `yaml_body` as a heredoc, yamlencode(),
  file() or templatefile(), `override_namespace`; over the documents of a `kubectl_file_documents`
  or `kubectl_path_documents` data source (`for_each = data.….manifests`, `count` + element()),
  whose files are read here, once, with their own positions (`yaml_body_parsed` is computed by
  the provider, not written);
- typed resources (`kubernetes_namespace`, `kubernetes_config_map`, `kubernetes_daemonset`,
  `kubernetes_deployment` and their `_v1` names) converted from the provider's block shape.

Values only known at apply time stay unknown; YAML that only exists once Terraform renders it is
not checked (and listed as such), never a syntax error.
"""

from __future__ import annotations

import glob
import os
import re
from functools import lru_cache
from typing import Any

from otelstack import resources
from otelstack.hcl import Decoded, Encoded, EncodedText, FileRef, HeredocText, TemplateRef
from otelstack.source import Located, Location, Path, Unknown
from otelstack.validate.loaders import kubernetes
from otelstack.validate.loaders.terraform_modules import Resource
from otelstack.validate.model import SourceFile, camel, load_embedded, move_locations
from otelstack.yamlsource import load_yaml

_FEED = re.compile(r"\bdata\.(kubectl_file_documents|kubectl_path_documents|kubectl_kustomize_documents)\.([A-Za-z0-9_-]+)")


# Reading YAML and HCL values into objects -----------------------------------------------------------


def _not_visible(res: Resource, display: str, reason: str) -> None:
    """Objects Terraform applies that otelstack cannot see: listed as not read, and remembered, since
    any of them could answer a question about the whole tree (a namespace, a Secret)."""
    res.module.state.skip(display, reason)
    res.loader.platform.unseen_applied.append(reason.removesuffix(": not checked"))


def _report(res: Resource, problems) -> None:
    for problem in problems:
        rule = "yaml-duplicate-key" if problem.message.startswith("duplicate key") else "syntax-yaml"
        res.loader.problem(rule, problem.location, problem.message)


def _file_of(res: Resource, display: str) -> SourceFile:
    return res.loader.platform.files.get(display) or res.file


def _read_file(res: Resource, path: str) -> SourceFile | None:
    """A file Terraform reads into what it applies: registered, and read only here."""
    state = res.module.state
    file = state.text_file(path)
    if file is None:
        return None
    state.claim(path, "terraform")
    if file.path not in res.loader.platform.files:
        res.loader.register(file)
    return file


def documents(res: Resource, holder: Located, path: Path, what: str, value: Any = None) -> list[tuple[Located, SourceFile]] | None:
    """The YAML documents of the text at `path` in `holder` (or `value`, written there), each with
    the file its positions are in; None when they are only known at apply time (listed as not checked)."""
    state = res.module.state
    where = holder.location(path)
    value = holder.get(path) if value is None else value
    if isinstance(value, TemplateRef):
        value = state.render(value, where)
    if isinstance(value, Encoded):
        doc = holder.sub(path)
        doc.data = value.data
        return [(materialize(res, doc), res.file)]
    if isinstance(value, FileRef):
        file = _read_file(res, value.path)
        if file is None:
            _not_visible(res, where.file, f"{res.address}: {what} reads {res.loader.display(value.path)}, which is not here: not checked")
            return None
        loaded = load_yaml(file.text, file.path)
        _report(res, loaded.problems)
        return [(doc, file) for doc in loaded.documents]
    if isinstance(value, str):
        loaded = load_embedded(value, res.file, where)
        templated = isinstance(value, HeredocText) and value.templated
        if templated and (loaded.problems or not loaded.documents):
            _not_visible(res, where.file, f"{res.address}: {what} is YAML only once Terraform renders it: not checked")
            return None
        if not templated:
            _report(res, loaded.problems)
        return [(doc, _file_of(res, doc.file)) for doc in loaded.documents]
    _not_visible(res, where.file, f"{res.address}: {what} is known at apply time only: not checked")
    return None


def materialize(res: Resource, doc: Located) -> Located:
    """An object written in HCL as the API server receives it: yamlencode()/jsonencode() and file()
    become the strings they make (readable as YAML with their positions), yamldecode() the objects."""

    def visit(value: Any, path: Path) -> Any:
        if isinstance(value, dict):
            return {key: visit(item, path + (key,)) for key, item in value.items()}
        if isinstance(value, list):
            return [visit(item, path + (index,)) for index, item in enumerate(value)]
        if isinstance(value, Encoded):
            if isinstance(value.data, Unknown):
                return value.data  # yamlencode() of a value known at apply: so is its text
            sub = doc.sub(path)
            sub.data = value.data
            inner = materialize(res, sub)
            return EncodedText(_dump(inner.data), inner)
        if isinstance(value, (FileRef, TemplateRef)):
            # a collector's configuration is parsed (and its errors reported) where it is read
            return _text(res, value, doc.location(path), report=path != ("spec", "config"))
        if isinstance(value, Decoded):
            found = documents(res, doc, path, "yamldecode()", value.text)
            if not found:
                return Unknown("yamldecode(...)")
            decoded, _ = found[0]
            doc.graft(path, decoded)
            return decoded.data
        return value

    doc.data = visit(doc.data, ())
    return doc


def _text(res: Resource, value: Any, where: Location, report: bool) -> Any:
    """file()/templatefile() where a manifest wants text: the text, keeping the file's positions.
    A YAML file read so is still checked for syntax (the YAML carrier leaves it to Terraform)."""
    if isinstance(value, TemplateRef):
        return res.module.state.render(value, where)
    file = _read_file(res, value.path)
    if file is None:
        _not_visible(res, where.file, f"{res.address}: file({res.loader.display(value.path)}): no such file here: not checked")
        return Unknown(f"file({res.loader.display(value.path)!r})")
    if report and file.path.endswith((".yaml", ".yml")):
        _report(res, load_yaml(file.text, file.path).problems)
    return HeredocText(file.text, 0, 0, (), file.path)


def _dump(data: Any) -> str:
    import yaml

    def plain(value: Any) -> Any:
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return str(value) if isinstance(value, (Unknown, str)) else value

    return yaml.safe_dump(plain(data), sort_keys=False)


def _add(res: Resource, doc: Located, file: SourceFile, namespace: Any = None, namespace_at: Location | None = None) -> None:
    if namespace is not None and isinstance(doc.data, dict):
        metadata = doc.data.setdefault("metadata", {})
        if isinstance(metadata, dict):
            metadata["namespace"] = namespace
            if namespace_at is not None:
                doc.locations[("metadata", "namespace")] = namespace_at
    obj = kubernetes.add_document(res.loader, file, res.module.state.next_index(file.path), doc)
    if obj is None and isinstance(doc.data, dict):
        _not_visible(res, res.file.path, f"{res.address}: apiVersion and kind are known at apply time only: not checked")


# kubernetes_manifest, kubectl_manifest ----------------------------------------------------------------------


def read_manifest(res: Resource) -> None:
    raw = res.block.doc
    manifest = raw.data.get("manifest")
    if isinstance(manifest, dict):
        _add(res, materialize(res, raw.sub(("manifest",))), res.file)
        return
    if isinstance(manifest, Decoded):
        found = documents(res, raw, ("manifest",), "manifest", manifest.text)
        for doc, file in (found or [])[:1]:  # yamldecode() takes one document
            _add(res, doc, file)
        return
    _not_visible(res, res.file.path, f"{res.address}: manifest is known at apply time only: not checked")


def read_kubectl_manifest(res: Resource) -> None:
    raw = res.block.doc
    data = raw.data
    namespace = data.get("override_namespace")
    namespace_at = raw.location(("override_namespace",)) if namespace is not None else None
    feeds = {match.groups() for key in ("for_each", "count", "yaml_body") if isinstance(data.get(key), Unknown)
             for match in _FEED.finditer(data[key].expression)}
    if feeds:
        for kind, name in sorted(feeds):
            _apply_feed(res, kind, name, namespace, namespace_at)
        return
    for doc, file in documents(res, raw, ("yaml_body",), "yaml_body") or []:
        _add(res, doc, file, namespace, namespace_at)


def _apply_feed(res: Resource, kind: str, name: str, namespace: Any, namespace_at: Location | None) -> None:
    """The documents a kubectl_*_documents data source splits, applied by this resource once."""
    key = (kind, name, repr(namespace))
    if key in res.module.applied:
        return
    res.module.applied.add(key)
    found = res.module.data(kind, name)
    if found is None:
        _not_visible(res, res.file.path, f"{res.address}: data.{kind}.{name} is not declared in this module: not checked")
        return
    _, block = found
    source = block.doc
    if kind == "kubectl_file_documents":
        for doc, file in documents(res, source, ("content",), f"data.{kind}.{name}") or []:
            _add(res, doc, file, namespace, namespace_at)
    elif kind == "kubectl_path_documents":
        for doc, file in _path_documents(res, source, f"data.{kind}.{name}"):
            _add(res, doc, file, namespace, namespace_at)
    else:
        res.module.state.skip(res.file.path, f"{res.address}: data.{kind}.{name} is rendered by kustomize: read the kustomization itself")


def _path_documents(res: Resource, source: Located, what: str) -> list[tuple[Located, SourceFile]]:
    pattern = source.data.get("pattern")
    if not isinstance(pattern, str):
        _not_visible(res, res.file.path, f"{res.address}: {what}: its pattern is known at apply time only: not checked")
        return []
    root = pattern if os.path.isabs(pattern) else os.path.join(res.module.directory, pattern)
    variables = _template_variables(source)
    found: list[tuple[Located, SourceFile]] = []
    for path in sorted(glob.glob(root, recursive=True)):
        if not os.path.isfile(path):
            continue
        text: Any = FileRef(path) if source.data.get("disable_template") is True else TemplateRef(path, variables)
        found += documents(res, source, ("pattern",), what, text) or []
    return found


def _template_variables(source: Located) -> Any:
    """`vars` and `sensitive_vars` of kubectl_path_documents, merged as the provider does."""
    merged = Located({}, source.file)
    for key in ("vars", "sensitive_vars"):
        value = source.data.get(key)
        if value is None:
            continue
        if not isinstance(value, dict):
            return Unknown(key)
        part = source.sub((key,))
        merged.data.update(part.data)
        for table, target in ((part.locations, merged.locations), (part.key_locations, merged.key_locations)):
            target.update({path: loc for path, loc in table.items() if path})
    return merged


# Typed resources -----------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _typed_schema() -> dict:
    return resources.data_yaml("terraform", "kubernetes_typed.yaml")


def read_typed(res: Resource) -> None:
    schema = _typed_schema()
    spec = schema["resources"][res.type]
    raw = res.block.doc
    moves: dict[Path, Path] = {}
    data = _convert(raw.data, spec["body"], (), (), moves, set(schema["integers"]), set(schema["strings"]))
    doc = Located({"apiVersion": spec["apiVersion"], "kind": spec["kind"], **data}, raw.file)
    move_locations(raw, doc, moves)
    doc.locations[()] = raw.location(())
    _add(res, materialize(res, doc), res.file)


def _convert(data: Any, definition: str, rpath: Path, opath: Path, moves: dict[Path, Path], integers: set[str],
             strings: set[str]) -> dict:
    """One body of the provider's block shape as the Kubernetes object's fields; what the schema
    does not map is left out."""
    body = _typed_schema()["definitions"][definition]
    out: dict[str, Any] = {}
    if not isinstance(data, dict):
        return out
    moves[rpath] = opath
    for name, target in (body.get("attributes") or {}).items():
        if name not in data:
            continue
        field = target or camel(name)
        value = data[name]
        if name in integers and isinstance(value, str) and value.isdigit():
            value = int(value, 8) if value.startswith("0") and len(value) > 1 else int(value)
        elif name in strings:
            value = _terraform_strings(value)
        out[field] = value
        moves[rpath + (name,)] = opath + (field,)
    for name, spec in (body.get("blocks") or {}).items():
        field = spec.get("as") or camel(name)
        if f"dynamic {name}" in data:
            out[field] = Unknown(f"dynamic {name!r} blocks")  # how many, and what they hold, is known at apply
            continue
        items = data.get(name)
        if not isinstance(items, list) or not items:
            continue
        if spec.get("list"):
            out[field] = [_convert(item, spec["body"], rpath + (name, index), opath + (field, index), moves, integers, strings)
                          for index, item in enumerate(items)]
            moves[rpath + (name,)] = opath + (field,)
        else:
            out[field] = _convert(items[0], spec["body"], rpath + (name, 0), opath + (field,), moves, integers, strings)
    return out


def _terraform_strings(value: Any) -> Any:
    """A value of a string, map(string) or list(string) attribute as Terraform converts it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value) if not (isinstance(value, float) and value.is_integer()) else str(int(value))
    if isinstance(value, dict):
        return {key: _terraform_strings(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_terraform_strings(item) for item in value]
    return value


READERS = {
    "kubernetes_manifest": read_manifest,
    "kubectl_manifest": read_kubectl_manifest,
    **{kind: read_typed for kind in ("kubernetes_namespace", "kubernetes_namespace_v1", "kubernetes_config_map",
                                     "kubernetes_config_map_v1", "kubernetes_daemonset", "kubernetes_daemon_set_v1",
                                     "kubernetes_deployment", "kubernetes_deployment_v1")},
}
