"""Every committed data file under tools/otelstack/data says where it came from (a provenance block
naming a datagen source, its version, the upstream commits read, the hand files merged) and has
the shape its readers expect."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import jsonschema_rs
import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tools"))

from datagen import FRAMEWORK_VERSION, SOURCES, source  # noqa: E402

DATA = REPO / "tools" / "otelstack" / "data"
# otelstack's own files, not knowledge about upstream components
NOT_GENERATED = {"schemas/stack.schema.json", "smoke/kind-config.yaml", "default-stack.yaml",
                 # how otelstack reads the hashicorp/kubernetes provider's typed resources (block -> field names)
                 "terraform/kubernetes_typed.yaml"}
NOT_GENERATED_DIRS: tuple[str, ...] = ()

VERSION = {"type": "string", "pattern": r"^v?\d+\.\d+\.\d+"}
VERSIONED = {"anyOf": [{"not": {"type": "array"}}, {"type": "array", "items": {
    "type": "object", "required": ["value", "since", "until"], "properties": {"since": VERSION, "until": VERSION}}}]}
RANGED = {"type": "array", "items": {"type": "object", "required": ["value"], "additionalProperties": False,
                                     "properties": {"value": {}, "since": VERSION, "until": VERSION}}}
CONFIG_NODE = {
    "type": "object",
    "properties": {
        "type": {"anyOf": [{"enum": ["object", "list", "map", "string", "integer", "number", "boolean", "duration", "scalar", "any"]},
                           VERSIONED]},
        "keys": {"type": "object", "additionalProperties": {"$ref": "#/$defs/node"}},
        "items": {"$ref": "#/$defs/node"}, "values": {"$ref": "#/$defs/node"}, "additional": {"$ref": "#/$defs/node"},
        "since": VERSION, "until": VERSION, "env": VERSIONED, "enum": {"type": "array"}, "deprecated": VERSIONED,
    },
    "additionalProperties": False,
}
VALUES_NODE = {
    "type": "object", "required": ["type"],
    "properties": {
        "type": {"enum": ["object", "map", "list", "string", "integer", "number", "boolean", "any"]},
        "keys": {"type": "object", "additionalProperties": {"$ref": "#/$defs/key"}},
        "since": VERSION, "until": VERSION, "renderedSince": VERSION, "renderedUntil": VERSION, "rendered": {"type": "boolean"},
        "items": {"type": "string"}, "values": {"type": "string"}, "enum": {"type": "array"}, "note": {"type": "string"},
    },
    "additionalProperties": False,
}
TF_NODE = {
    "type": "object",
    "properties": {
        "$ref": {"type": "string"},
        "attributes": {"type": "object"}, "blocks": {"type": "object", "additionalProperties": {"$ref": "#/$defs/tf"}},
        "nesting": {"enum": ["list", "set", "single"]}, "since": VERSION, "removed": VERSION,
    },
}
LAYOUT_NODE = {"type": "object", "properties": {"attributes": {"type": "array", "items": {"type": "string"}},
                                                "blocks": {"type": "object", "additionalProperties": {"$ref": "#/$defs/layout"}},
                                                "max": {"const": 1}, "required": {"type": "boolean"}, "as": {"type": "string"},
                                                "rename": {"type": "object"}, "open": {"type": "boolean"}}, "additionalProperties": False}
CHART = {"type": "object", "required": ["chart", "title", "sources", "valuesSchema"], "$defs": {"key": VALUES_NODE},
         "properties": {"appVersions": {"type": "object", "additionalProperties": {"type": "string"}},
                        "gitTags": {"type": "object", "additionalProperties": {"type": "object", "required": ["chart", "appVersion"]}},
                        "values": {"type": "object", "additionalProperties": {"$ref": "#/$defs/key"}},
                        "defaults": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "object", "required": ["value"]}}}}}
CRD_SCHEMA = {"type": "object", "required": ["$schema", "type", "properties"],
              "properties": {"properties": {"type": "object", "required": ["apiVersion", "kind", "metadata", "spec"]}}}
SHAPES = {
    "actions.yaml": {"type": "object", "required": ["actions"], "properties": {"actions": {"type": "object", "additionalProperties": {
        "type": "object", "required": ["tag", "sha", "runtime"], "additionalProperties": False,
        "properties": {"tag": VERSION, "sha": {"type": "string", "pattern": "^[0-9a-f]{40}$"}, "runtime": {"type": "string"}}}}}},
    "schemas/crds/opentelemetry.io-*.yaml": CRD_SCHEMA,
    "schemas/crds/argoproj.io-*.yaml": CRD_SCHEMA,
    "charts/*.yaml": CHART,
    "collector/components.yaml": {"type": "object", "required": ["releases", "images", "components"], "properties": {
        "releases": {"type": "array", "items": VERSION, "minItems": 1},
        "components": {"type": "object", "additionalProperties": {"type": "object", "additionalProperties": {"type": "object"}}}}},
    "collector/chart.yaml": {"type": "object", "required": ["chart", "versions", "config", "ports", "presets", "presetOrder", "service"],
                             "properties": {"versions": {"type": "array", "items": VERSION, "minItems": 1},
                                            "config": RANGED, "ports": RANGED, "presetOrder": RANGED,
                                            "presets": {"type": "object", "additionalProperties": RANGED}, "presetsNotRendered": RANGED,
                                            "service": {"type": "object", "required": ["name", "inDaemonsetMode", "withServiceDisabled",
                                                                                       "inDaemonsetModeWithServiceEnabled", "inDaemonsetModeWithIngress"],
                                                        "additionalProperties": RANGED, "properties": {"name": {"const": "fullname"}}}}},
    "collector/config.yaml": {"type": "object", "required": ["versions", "components"], "$defs": {"node": CONFIG_NODE},
                              "properties": {"components": {"type": "object", "additionalProperties": {
                                  "type": "object", "additionalProperties": {"$ref": "#/$defs/node"}}}}},
    "beyla/config.yaml": {"type": "object", "required": ["config", "precedence"], "$defs": {"node": CONFIG_NODE},
                          "properties": {"config": {"$ref": "#/$defs/node"}}},
    "beyla/releases.yaml": {"type": "object", "required": ["versions"], "properties": {"versions": {"type": "array", "items": VERSION}}},
    "operator/receiver-ports.yaml": {"type": "object", "required": ["receiverPorts"], "properties": {"receiverPorts": {
        "type": "object", "additionalProperties": {"type": "object", "additionalProperties": {"type": "object", "required": ["port", "name"]}}}}},
    "operator/defaults.yaml": {"type": "object", "required": ["releases", "images"], "properties": {
        "releases": {"type": "object", "additionalProperties": {"type": "object", "required": ["collector"]}}}},
    "terraform/argocd-provider.yaml": {"type": "object", "required": ["versions", "resources", "definitions"], "$defs": {"tf": TF_NODE},
                                       "properties": {"resources": {"type": "object", "additionalProperties": {"$ref": "#/$defs/tf"}},
                                                      "definitions": {"type": "object", "additionalProperties": {"$ref": "#/$defs/tf"}}}},
    "terraform/argocd_application*.yaml": {"type": "object", "required": ["resource", "attributes", "blocks", "meta"],
                                           "$defs": {"layout": LAYOUT_NODE},
                                           "properties": {"blocks": {"type": "object", "additionalProperties": {"$ref": "#/$defs/layout"}}}},
}


def data_files() -> list[str]:
    out = []
    for path in sorted(DATA.rglob("*")):
        relative = path.relative_to(DATA).as_posix()
        if path.is_file() and relative not in NOT_GENERATED and not relative.startswith(NOT_GENERATED_DIRS):
            out.append(relative)
    return out


def _shape(relative: str) -> dict:
    matches = [schema for pattern, schema in SHAPES.items() if Path(relative).match(pattern)]
    assert len(matches) == 1, f"no shape (or several) for {relative}: add one to SHAPES"
    return matches[0]


@pytest.mark.parametrize("relative", data_files())
def test_data_file_has_provenance_and_shape(relative: str):
    text = (DATA / relative).read_text(encoding="utf-8")
    assert text.startswith("# Generated by tools/datagen"), f"{relative} is not marked as generated"
    data = yaml.safe_load(text)
    provenance = data["provenance"]
    name = provenance["generator"].removeprefix("datagen.sources.")
    assert name in SOURCES
    module = source(name)
    assert provenance["generatorVersion"] == f"{FRAMEWORK_VERSION}.{module.VERSION}"
    read = [entry["repository"] for entry in provenance["upstream"]]
    not_read = [entry["repository"] for entry in provenance.get("notRead", [])]
    assert read[:len(module.REPOSITORIES)] == [f"https://github.com/{r}" for r in module.REPOSITORIES]
    assert sorted(read[len(module.REPOSITORIES):] + not_read) == sorted(
        f"https://github.com/{r}" for r in getattr(module, "OPTIONAL_REPOSITORIES", ()))
    for entry in provenance["upstream"]:
        assert entry["refs"], f"{relative}: no upstream commit recorded"
        assert all(re.fullmatch(r"[0-9a-f]{40}", commit) for commit in entry["refs"].values())
    assert provenance["hand"] == [f"tools/datagen/hand/{h}" for h in module.HAND]
    assert all((REPO / h).is_file() for h in provenance["hand"])
    errors = [str(e) for e in jsonschema_rs.validator_for(_shape(relative)).iter_errors({k: v for k, v in data.items() if k != "provenance"})]
    assert errors == [], f"{relative}: {errors[:5]}"


def test_data_is_not_stale_against_the_generator_version():
    """A data file written by an older version of its source must be regenerated (make data)."""
    for relative in data_files():
        data = yaml.safe_load((DATA / relative).read_text(encoding="utf-8"))
        module = source(data["provenance"]["generator"].removeprefix("datagen.sources."))
        assert data["provenance"]["generatorVersion"] == f"{FRAMEWORK_VERSION}.{module.VERSION}", relative
