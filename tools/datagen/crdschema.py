"""A CustomResourceDefinition version's OpenAPI v3 schema as the JSON schema otelstack validates
objects with (shared by the operator and Argo CD sources), and structure sharing for CRDs whose
types repeat (Argo CD's source appears in spec.source and every spec.sources item; an
ApplicationSet repeats the Application spec in every template).
"""

from __future__ import annotations

import json
from typing import Any

SCHEMA = "https://json-schema.org/draft/2020-12/schema"


def document(crd: dict, api_version: str, refs: dict[str, str]) -> dict:
    """The JSON schema of one served version: apiVersion and kind fixed, metadata the Kubernetes
    ObjectMeta, spec converted field by field, other top-level fields (status, operation) objects.
    `refs` (field path -> Kubernetes definition) is consumed; what is left was not found."""
    version = next((v for v in crd["spec"]["versions"] if v["name"] == api_version), None)
    if version is None:
        raise ValueError(f"the CRD serves no {api_version}")
    schema = version["schema"]["openAPIV3Schema"]
    group, kind = crd["spec"]["group"], crd["spec"]["names"]["kind"]
    spec = convert(schema["properties"]["spec"], "spec", refs)
    properties: dict[str, Any] = {
        "apiVersion": {"const": f"{group}/{api_version}"},
        "kind": {"const": kind},
        "metadata": {"$ref": "k8s:io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"},
        "spec": spec,
    }
    for name in sorted({"status", *schema["properties"]}):  # status: written by the controller, whatever its shape
        properties.setdefault(name, {"type": "object"})
    needs_spec = bool(spec.get("required")) or "spec" in schema.get("required", [])
    return {
        "$schema": SCHEMA,
        "type": "object",
        "additionalProperties": False,
        "required": ["apiVersion", "kind", "metadata"] + (["spec"] if needs_spec else []),
        "properties": properties,
    }


def convert(node: dict, path: str, refs: dict) -> dict:
    """An OpenAPI v3 (structural) CRD schema node as JSON schema; `refs` entries are consumed."""
    if path in refs:
        return {"$ref": "k8s:" + refs.pop(path)}
    out: dict = {}
    if node.get("x-kubernetes-int-or-string"):
        out["type"] = ["integer", "string", "null"]
    elif "enum" in node:
        out["type"] = node["type"]
        out["enum"] = list(node["enum"])
    elif node.get("type"):
        out["type"] = [node["type"], "null"]  # the API server prunes nulls of non-nullable fields
    for key in ("minimum", "maximum", "minItems", "maxItems", "minLength", "maxLength"):
        if key in node:
            out[key] = node[key]
    properties = node.get("properties")
    if properties:
        out["properties"] = {name: convert(child, f"{path}.{name}", refs) for name, child in sorted(properties.items())}
        if not node.get("x-kubernetes-preserve-unknown-fields"):
            out["additionalProperties"] = False
        required = [r for r in node.get("required", []) if "default" not in properties.get(r, {})]
        if required:
            out["required"] = required
    elif isinstance(node.get("additionalProperties"), dict):
        out["additionalProperties"] = convert(node["additionalProperties"], f"{path}.*", refs)
    if isinstance(node.get("items"), dict):
        out["items"] = convert(node["items"], f"{path}[]", refs)
    return out


def share(documents: list[tuple[str, dict]], min_size: int = 400) -> None:
    """Every object schema of at least `min_size` characters that occurs more than once across the
    documents is written once, in the `$defs` of the first document holding it, and referenced
    (`#/$defs/<name>` or `<document>#/$defs/<name>`) everywhere else. Names come from the field
    where it first occurs; the walk is in sorted key order, so the output is deterministic."""
    counts: dict[str, int] = {}
    for _, doc in documents:
        _count(doc["properties"]["spec"], counts)
    shared = {text for text, count in counts.items() if count > 1 and len(text) >= min_size}
    placed: dict[str, tuple[str, str]] = {}  # canonical text -> (document name, def name)
    for name, doc in documents:
        defs: dict[str, dict] = {}
        pending: list[tuple[str, dict]] = []
        doc["properties"]["spec"] = _replace(doc["properties"]["spec"], "spec", name, shared, placed, defs, pending, top=True)
        while pending:  # a def's own body may hold smaller shared parts
            def_name, body = pending.pop(0)
            defs[def_name] = _replace(body, def_name, name, shared, placed, defs, pending, top=True)
        if defs:
            doc["$defs"] = dict(sorted(defs.items()))


def _canonical(node: Any) -> str:
    return json.dumps(node, sort_keys=True, separators=(",", ":"))


def _count(node: Any, counts: dict[str, int]) -> None:
    if isinstance(node, dict):
        if "properties" in node or "items" in node or isinstance(node.get("additionalProperties"), dict):
            text = _canonical(node)
            counts[text] = counts.get(text, 0) + 1
        for key in sorted(node):
            _count(node[key], counts)


def _replace(node: Any, label: str, doc_name: str, shared: set, placed: dict, defs: dict, pending: list, top: bool = False) -> Any:
    if not isinstance(node, dict):
        return node
    if not top:
        text = _canonical(node)
        if text in shared:
            if text not in placed:
                def_name = label
                taken = {n for d, n in placed.values() if d == doc_name}
                suffix = 2
                while def_name in taken:
                    def_name, suffix = f"{label}{suffix}", suffix + 1
                placed[text] = (doc_name, def_name)
                pending.append((def_name, node))
            where, def_name = placed[text]
            return {"$ref": ("" if where == doc_name else where) + f"#/$defs/{def_name}"}
    out = {}
    for key in sorted(node):
        value = node[key]
        if key == "properties" and isinstance(value, dict):
            out[key] = {field: _replace(child, field, doc_name, shared, placed, defs, pending) for field, child in sorted(value.items())}
        elif key in ("items", "additionalProperties") and isinstance(value, dict):
            out[key] = _replace(value, f"{label}Item" if key == "items" else f"{label}Value", doc_name, shared, placed, defs, pending)
        else:
            out[key] = value
    return out
