"""JSON schemas for Kubernetes objects, offline: the core kinds from kubernetes-validate's bundled
schemas (one Kubernetes version at a time), the CRDs otelstack knows from data/schemas/crds.

Compiling a schema costs milliseconds, validating an object microseconds: each kind is compiled
once per process and reused.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.util import find_spec
from typing import Any, Callable

from otelstack import resources, schemacheck
from otelstack.errors import UsageError

DEFINITIONS_ID = "https://kubernetes.io/api/_definitions.json"
CRD_ID_PREFIX = "https://otelstack.dev/schemas/crds/"
_CRD_FILES = (
    "opentelemetry.io-v1beta1-OpenTelemetryCollector",
    "opentelemetry.io-v1alpha1-OpenTelemetryCollector",
    "opentelemetry.io-v1alpha1-Instrumentation",
    "argoproj.io-v1alpha1-Application",
    "argoproj.io-v1alpha1-ApplicationSet",
)


@dataclass
class KindSchema:
    validator: Any
    schema: dict
    resolve: Callable[[str], Any]


def _schema_root() -> str:
    spec = find_spec("kubernetes_validate")
    if spec is None or not spec.submodule_search_locations:
        raise UsageError("the kubernetes-validate package is not installed", hint="reinstall otelstack with its dependencies")
    return os.path.join(list(spec.submodule_search_locations)[0], "kubernetes-json-schema")


def available_versions() -> list[str]:
    found = []
    for name in os.listdir(_schema_root()):
        match = re.match(r"^v(\d+\.\d+)\.0-local-strict$", name)
        if match:
            found.append(match.group(1))
    return sorted(found, key=lambda v: tuple(int(x) for x in v.split(".")))


def _expand_refs(node: Any) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                if value.startswith("k8s:"):
                    value = f"{DEFINITIONS_ID}#/$defs/{value[4:]}"
                elif not value.startswith(("#", "http")):
                    value = CRD_ID_PREFIX + value
            out[key] = _expand_refs(value)
        return out
    if isinstance(node, list):
        return [_expand_refs(item) for item in node]
    return node


@lru_cache(maxsize=None)
def crd_schema(name: str) -> dict | None:
    """One CRD's schema (data/schemas/crds/<name>.yaml), read when first asked for."""
    if name not in _CRD_FILES:
        return None
    try:
        raw = resources.data_yaml("schemas", "crds", f"{name}.yaml")
    except FileNotFoundError:
        return None
    schema = _expand_refs(raw)
    schema["$id"] = CRD_ID_PREFIX + name
    return schema


def crd_schemas(group: str | None = None) -> dict[str, dict]:
    """The CRD schemas otelstack knows (of one API group: the only ones its schemas refer to)."""
    names = [n for n in _CRD_FILES if group is None or n.startswith(group + "-")]
    return {name: schema for name in names if (schema := crd_schema(name)) is not None}


class SchemaStore:
    def __init__(self, kubernetes_version: str) -> None:
        versions = available_versions()
        if kubernetes_version not in versions:
            raise UsageError(
                f"no schemas for Kubernetes {kubernetes_version}",
                hint=f"available: {', '.join(versions)} (validate.kubernetesVersion in the stack definition, or --kubernetes-version)",
            )
        self.version = kubernetes_version
        self.directory = os.path.join(_schema_root(), f"v{kubernetes_version}.0-local-strict")
        self._definitions: dict | None = None
        self._registries: dict[str, Any] = {}  # CRD API group ("" for none) -> registry
        self._kinds: dict[tuple[str, str], KindSchema | None] = {}

    @property
    def definitions(self) -> dict:
        if self._definitions is None:
            with open(os.path.join(self.directory, "_definitions.json"), encoding="utf-8") as handle:
                self._definitions = json.load(handle)
        return self._definitions

    @property
    def registry(self) -> Any:
        """A registry with the Kubernetes definitions (any of them has those)."""
        return next(iter(self._registries.values())) if self._registries else self.registry_for("")

    def registry_for(self, group: str) -> Any:
        """The Kubernetes definitions and the CRD schemas of one API group, built once per group:
        a tree without Argo CD objects never reads Argo CD's schemas."""
        if group not in self._registries:
            import jsonschema_rs

            entries = [(DEFINITIONS_ID, self.definitions)]
            entries += [(schema["$id"], schema) for schema in crd_schemas(group).values()] if group else []
            self._registries[group] = jsonschema_rs.Registry(entries)
        return self._registries[group]

    def resolve(self, ref: str) -> Any:
        base, _, fragment = ref.partition("#")
        if base.endswith("/api/_definitions.json"):
            doc: Any = self.definitions
        elif base.startswith(CRD_ID_PREFIX):
            doc = crd_schema(base[len(CRD_ID_PREFIX):]) or {}
        else:
            return {}
        for part in fragment.strip("/").split("/") if fragment else []:
            doc = doc.get(part, {}) if isinstance(doc, dict) else {}
        return doc

    def kind_schema(self, api_version: str, kind: str) -> KindSchema | None:
        key = (api_version, kind)
        if key not in self._kinds:
            self._kinds[key] = self._load(api_version, kind)
        return self._kinds[key]

    def _load(self, api_version: str, kind: str) -> KindSchema | None:
        group, _, version = api_version.rpartition("/")
        crd = crd_schema(f"{group}-{version}-{kind}")
        if crd is not None:
            schema = crd
        else:
            suffix = f"-{group.split('.')[0]}" if group else ""
            path = os.path.join(self.directory, f"{kind.lower()}{suffix}-{version}.json")
            if not os.path.isfile(path):
                return None
            with open(path, encoding="utf-8") as handle:
                schema = json.load(handle)
            schema = _absolute_refs(schema)
        validator = schemacheck.compile_schema(schema, self.registry_for(group) if crd is not None else self.registry)
        return KindSchema(validator, schema, self.resolve)

    def definition_schema(self, name: str) -> KindSchema:
        """A validator for one API definition, e.g. io.k8s.api.core.v1.Volume (for Helm values)."""
        key = ("#definition", name)
        if key not in self._kinds:
            schema = {"$ref": f"{DEFINITIONS_ID}#/$defs/{name}"}
            self._kinds[key] = KindSchema(schemacheck.compile_schema(schema, self.registry), schema, self.resolve)
        found = self._kinds[key]
        assert found is not None
        return found


def _absolute_refs(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            k: (("https://kubernetes.io" + v) if k == "$ref" and isinstance(v, str) and v.startswith("/api/") else _absolute_refs(v))
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_absolute_refs(i) for i in node]
    return node
