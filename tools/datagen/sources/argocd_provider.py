"""The argoproj-labs/argocd Terraform provider: the schema of argocd_application,
argocd_application_set and argocd_cluster at every v7 release, as one tree with version ranges.

The resources are terraform-plugin-sdk/v2 schemas built by Go functions in the provider's
argocd/ package; datagen.golang evaluates those functions (with their constant arguments, so the
ApplicationSet's generator nesting comes out level by level, as the provider builds it).
Also writes terraform/argocd_application(.yaml|_set.yaml), the block/attribute layout
otelstack's model uses to turn a Terraform block into the Argo CD object shape.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from datagen import DataFile, golang, hand, ranges
from datagen.upstream import UpstreamRepo

VERSION = 1
REPOSITORIES = ("argoproj-labs/terraform-provider-argocd",)
HAND = ("argocd.yaml",)
MIN_VERSION = "7.0.0"
MAJOR = 7
RESOURCES = ("argocd_application", "argocd_application_set", "argocd_cluster")
SDK_TYPES = {"schema.TypeString": "string", "schema.TypeBool": "bool", "schema.TypeInt": "number", "schema.TypeFloat": "number",
             "schema.TypeList": "list", "schema.TypeSet": "set", "schema.TypeMap": "map"}

HEADER = """\
Schema of the argoproj-labs/argocd provider's resources at every v7 release (`versions`), read
from the provider's Go schema definitions. Each argument: `kind` block|attribute; attributes have
`type` (string, bool, number, list, set, map; `elem` for collections), blocks `nesting` (list|set)
and `blocks`/`attributes`; `required`, `computed` (set by the provider: not an argument),
`min`/`max` items, `default`, `enum`, `deprecated`. `since`/`removed`: the first provider version
with / without it (absent: every version listed). A property whose value changed between versions
is a list of {value, since, until}. `$ref` names a shared subtree under `definitions` (the
ApplicationSet's template, and its generators level by level: the provider allows
generatorLevels nested levels of matrix/merge)."""

HEADER_LAYOUT = """\
Layout of the `{resource}` resource (provider argoproj-labs/argocd 7.x, every release merged), for
otelstack's model: how a Terraform block maps onto the Argo CD object. `blocks` nest; `max: 1`
blocks are single objects in the Argo CD API, others lists; `as` names the Argo CD field when it
is not the camelCase of the Terraform name, `rename` does the same for attributes (hand knowledge:
tools/datagen/hand/argocd.yaml). The full schema with versions is argocd-provider.yaml."""


def releases(repo: UpstreamRepo) -> list[tuple[str, str]]:
    return [(version, tag) for version, tag in ranges.release_tags(repo.tags(), "v", MIN_VERSION)
            if ranges.parse(version)[0] == MAJOR]


def generate(repo: UpstreamRepo) -> dict[str, DataFile]:
    known = hand("argocd.yaml")
    tags = releases(repo)
    versions = [version for version, _ in tags]
    parsed: dict[str, golang.GoFile] = {}
    per_version: list[dict[str, dict]] = []
    levels: list[Any] = []
    for _, tag in tags:
        files = []
        for path, blob in sorted(repo.blobs(tag, "argocd").items()):
            if path.endswith(".go") and not path.endswith("_test.go"):
                if blob not in parsed:
                    parsed[blob] = golang.parse(repo.blob(blob))
                files.append(parsed[blob])
        package = golang.Package(files)
        evaluator = golang.Evaluator(package, {"fmt.Sprintf": lambda text, *args: text})
        levels.append(evaluator._const("generatorSchemaLevel") if "generatorSchemaLevel" in package.consts else None)
        provider = repo.show(tag, "argocd/provider.go") or ""
        schemas = {}
        for resource in RESOURCES:
            match = re.search(rf'"{resource}":\s*(\w+)\(\)', provider)
            if not match:
                continue
            built = evaluator.call(match.group(1))
            schemas[resource] = _resource(built, f"{tag} {resource}")
        per_version.append(schemas)
    merged = {resource: _merge([v.get(resource) for v in per_version], versions) for resource in RESOURCES}
    definitions: dict[str, Any] = {}
    _hoist(merged, definitions)
    data = {
        "provider": "argoproj-labs/argocd",
        "versions": versions,
        "generatorLevels": ranges.versioned(levels, versions),
        "resources": merged,
        "definitions": definitions,
    }
    out = {"terraform/argocd-provider.yaml": DataFile(data, HEADER)}
    for resource, layout_name in (("argocd_application", "argocd_application.yaml"), ("argocd_application_set", "argocd_application_set.yaml")):
        layout = _layout(merged[resource], definitions, known["fields"], top=True)
        layout = {"resource": resource, **layout}
        out[f"terraform/{layout_name}"] = DataFile(layout, HEADER_LAYOUT.format(resource=resource))
    return out


# SDK structs -> nodes ---------------------------------------------------------------------------


def _resource(resource: Any, where: str) -> dict:
    if not isinstance(resource, golang.Struct) or not isinstance(resource.fields.get("Schema"), dict):
        raise ValueError(f"{where}: the resource function did not evaluate to a schema.Resource")
    node = {"kind": "block", "blocks": {}, "attributes": {}}
    for name, schema in resource.fields["Schema"].items():
        child = _argument(schema, f"{where}.{name}")
        (node["blocks"] if child["kind"] == "block" else node["attributes"])[name] = child
    timeouts = resource.fields.get("Timeouts")
    if isinstance(timeouts, golang.Struct):
        node["blocks"]["timeouts"] = {"kind": "block", "nesting": "single", "blocks": {},
                                      "attributes": {op.lower(): {"kind": "attribute", "type": "string"} for op in sorted(timeouts.fields)}}
    return node


def _argument(schema: Any, where: str) -> dict:
    if not isinstance(schema, golang.Struct):
        raise ValueError(f"{where}: not a schema.Schema ({schema!r}): a schema function the generator could not evaluate")
    fields = schema.fields
    sdk_type = SDK_TYPES.get(str(fields.get("Type")))
    if sdk_type is None:
        raise ValueError(f"{where}: unknown Type {fields.get('Type')!r}")
    elem = fields.get("Elem")
    node: dict[str, Any]
    is_block = sdk_type in ("list", "set") and isinstance(elem, golang.Struct) and elem.type == "schema.Resource"
    if is_block and fields.get("ConfigMode") != "schema.SchemaConfigModeAttr":
        node = {"kind": "block", "nesting": sdk_type, "blocks": {}, "attributes": {}}
        for name, child in (elem.fields.get("Schema") or {}).items():
            converted = _argument(child, f"{where}.{name}")
            (node["blocks"] if converted["kind"] == "block" else node["attributes"])[name] = converted
        for key, sdk_key in (("min", "MinItems"), ("max", "MaxItems")):
            if isinstance(fields.get(sdk_key), int) and fields[sdk_key] > 0:
                node[key] = fields[sdk_key]
    else:
        node = {"kind": "attribute", "type": sdk_type}
        if isinstance(elem, golang.Struct) and elem.type == "schema.Schema":
            node["elem"] = SDK_TYPES.get(str(elem.fields.get("Type")), "any")
        elif is_block:
            node["elem"] = "object"
        for key, sdk_key in (("min", "MinItems"), ("max", "MaxItems")):
            if isinstance(fields.get(sdk_key), int) and fields[sdk_key] > 0:
                node[key] = fields[sdk_key]
    has_default = "Default" in fields or "DefaultFunc" in fields
    if fields.get("Required") is True and not has_default:
        node["required"] = True  # (with a default the SDK offers it to Terraform as optional)
    if fields.get("Computed") is True and fields.get("Optional") is not True and fields.get("Required") is not True:
        node["computed"] = True
    default = fields.get("Default")
    if isinstance(default, (str, int, float, bool)):
        node["default"] = default
    enum = _enum(fields.get("ValidateFunc")) or _enum(fields.get("ValidateDiagFunc"))
    if enum and node["kind"] == "attribute":
        node["enum"] = enum
    if isinstance(fields.get("Deprecated"), str) and fields["Deprecated"]:
        node["deprecated"] = fields["Deprecated"]
    return node


def _enum(validator: Any) -> list[str] | None:
    if isinstance(validator, golang.Opaque):
        if validator.what == "validation.StringInSlice" and validator.args and isinstance(validator.args[0], tuple):
            values = [v for v in validator.args[0] if isinstance(v, str)]
            return values or None
        for arg in validator.args:
            found = _enum(arg)
            if found:
                return found
    return None


# versions -> one tree ---------------------------------------------------------------------------

_PROPERTIES = ("type", "elem", "nesting", "required", "computed", "min", "max", "default", "enum", "deprecated")


def _merge(nodes: list[dict | None], versions: list[str], inherited: tuple = (None, None)) -> dict | None:
    """One node over every version; since/removed only where they differ from the parent's."""
    present = [node is not None for node in nodes]
    if not any(present):
        return None
    out, here = ranges.span_fields(present, versions, inherited, "removed")
    holders = [(node, version) for node, version in zip(nodes, versions) if node is not None]
    held_versions = [version for _, version in holders]
    for prop in _PROPERTIES:
        values = [node.get(prop) for node, _ in holders]
        if all(value is None for value in values):
            continue
        if prop in ("required", "computed"):
            values = [bool(value) for value in values]
            if not any(values):
                continue
        out[prop] = ranges.versioned(values, held_versions, key=json.dumps)
    for group in ("blocks", "attributes"):
        names = sorted({name for node, _ in holders for name in (node.get(group) or {})})
        if out.get("kind") == "block" or group in holders[-1][0]:
            children = {}
            for name in names:
                child = _merge([(node.get(group) or {}).get(name) if node is not None else None for node in nodes], versions, here)
                if child is not None:
                    children[name] = child
            out[group] = children
    return out


def _hoist(resources: dict, definitions: dict) -> None:
    """Write each block subtree that occurs more than once only once, under `definitions`."""
    counts: dict[str, int] = {}
    first_path: dict[str, str] = {}

    def walk(node: dict, path: str) -> None:
        for name, child in sorted((node.get("blocks") or {}).items()):
            key = _digest(child)
            counts[key] = counts.get(key, 0) + 1
            first_path.setdefault(key, f"{path}.{name}")
            walk(child, f"{path}.{name}")

    for resource, node in sorted(resources.items()):
        walk(node, resource)
    shared = {key for key, count in counts.items() if count > 1}

    def replace(node: dict) -> None:
        for name, child in sorted((node.get("blocks") or {}).items()):
            key = _digest(child)
            if key in shared and len(json.dumps(child)) > 400:
                label = first_path[key]
                if label not in definitions:
                    definitions[label] = child
                    replace(child)
                node["blocks"][name] = {"$ref": label}
            else:
                replace(child)

    for resource in sorted(resources):
        replace(resources[resource])


def _digest(node: dict) -> str:
    return hashlib.sha256(json.dumps(node, sort_keys=True).encode()).hexdigest()


# the model's layout -----------------------------------------------------------------------------


def _layout(node: dict, definitions: dict, fields: dict, top: bool = False, path: str = "") -> dict:
    if "$ref" in node:
        node = definitions[node["$ref"]]
    out: dict[str, Any] = {}
    attributes = sorted(name for name, attr in (node.get("attributes") or {}).items() if not _last(attr.get("computed")))
    out["attributes"] = attributes
    if top:
        out["meta"] = ["count", "for_each", "depends_on", "provider", "lifecycle"]
    blocks = {}
    for name, child in sorted((node.get("blocks") or {}).items()):
        child_path = f"{path}.{name}" if path else name
        resolved = definitions[child["$ref"]] if "$ref" in child else child
        if _last(resolved.get("computed")):
            continue
        spec: dict[str, Any] = {}
        if _last(resolved.get("max")) == 1 or resolved.get("nesting") == "single":
            spec["max"] = 1
        if _last(resolved.get("required")):
            spec["required"] = True
        for suffix, extra in fields.items():
            if child_path == suffix or child_path.endswith("." + suffix):
                spec.update(extra)
        parents = child_path.split(".")[:-1]
        if "generator" in parents and name in ("matrix", "merge"):
            spec.setdefault("attributes", [a for a in sorted(resolved.get("attributes") or {})])
            blocks[name] = spec  # the model nests generators itself
            continue
        if "generator" in parents and name == "template":
            blocks[name] = {**spec, "open": True}  # a generator's template override: not normalised
            continue
        if parents[-2:] == ["spec", "template"] and name == "spec":
            blocks[name] = spec  # the model puts the application's spec here
            continue
        spec.update({k: v for k, v in _layout(resolved, definitions, fields, path=child_path).items() if k not in spec})
        if not spec.get("blocks"):
            spec.pop("blocks", None)
        blocks[name] = spec
    if blocks:
        out["blocks"] = blocks
    return out


def _last(value: Any) -> Any:
    """The newest value of a property that may be versioned."""
    if isinstance(value, list) and value and isinstance(value[0], dict) and "value" in value[0]:
        return value[-1]["value"]
    return value
