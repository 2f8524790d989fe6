"""Configuration of the core collector components (open-telemetry/opentelemetry-collector):
the keys and types each component's `Config` struct accepts, per core release.

At every core tag from MIN_VERSION: each component package with a metadata.yaml (receivers,
processors, exporters, connectors, extensions) and its `Config` struct read through its
`mapstructure:"..."` tags (datagen.gostructs). The collector decodes its configuration strictly:
an unknown key fails start-up ("has invalid keys"). Contrib components are not read here: the
opentelemetry-collector-contrib snapshot is too large to fetch (1.3 GB). The most used ones
(k8sattributes, filelog) are merged from hand/collector-contrib-config.yaml, established from
their vendored Config structs per contrib release (see that file), with the contrib releases
they cover (`contrib`).
"""

from __future__ import annotations

import posixpath
import re

import yaml

from datagen import DataFile, gostructs, hand, ranges, schemamerge
from datagen.upstream import UpstreamRepo

VERSION = 2
REPOSITORIES = ("open-telemetry/opentelemetry-collector",)
HAND = ("collector-contrib-config.yaml",)
MIN_VERSION = "0.90.0"
MODULE = "go.opentelemetry.io/collector"
_ALIAS = re.compile(r'WithDeprecatedTypeAlias\(\s*component\.MustNewType\("([a-z0-9_]+)"\)')
SECTIONS = {"receiver": "receivers", "processor": "processors", "exporter": "exporters", "connector": "connectors", "extension": "extensions"}

HEADER = """\
Configuration keys of the core collector components per core release (`versions`), from each
component's Config struct. components.<section>.<type>: a node as in beyla/config.yaml (`type`
object/list/map/string/integer/number/boolean/duration/scalar/any, `keys`, `items`, `values`,
`enum`, `deprecated`: the field's Go doc says so), with `since`/`until` (core releases). The
collector rejects unknown keys at start-up. Contrib components: only those under `contrib`, from
tools/datagen/hand/collector-contrib-config.yaml, checked only for collector releases whose minor
is within `contrib.first`..`contrib.last`; their since/until are conservative bounds (see there)."""


def generate(repo: UpstreamRepo) -> dict[str, DataFile]:
    tags = ranges.release_tags(repo.tags(), "v", MIN_VERSION)
    versions = [version for version, _ in tags]
    cache: dict = {}
    per_component: dict[tuple[str, str], list] = {}
    for index, (version, tag) in enumerate(tags):
        tree = gostructs.GoTree(repo, tag, MODULE, cache)
        for path in sorted(tree.blobs):
            parts = path.split("/")
            if len(parts) != 3 or parts[2] != "metadata.yaml" or parts[0] not in SECTIONS:
                continue
            metadata = yaml.safe_load(repo.blob(tree.blobs[path])) or {}
            if not isinstance(metadata, dict) or not metadata.get("type"):
                continue
            if (metadata.get("status") or {}).get("class") != parts[0]:
                continue  # a helper package with metadata (exporterqueue, ...), not a component
            directory = posixpath.dirname(path)
            package = tree.package(directory)
            if package is None or "Config" not in package.types:
                continue
            node = gostructs.StructReader(tree, "mapstructure").read(directory, "Config")
            factory = repo.blob(tree.blobs[f"{directory}/factory.go"]) if f"{directory}/factory.go" in tree.blobs else ""
            aliases = set(_ALIAS.findall(factory)) | ({metadata["deprecated_type"]} if metadata.get("deprecated_type") else set())
            for kind in [metadata["type"], *sorted(aliases)]:
                per_component.setdefault((SECTIONS[parts[0]], kind), [None] * len(tags))[index] = node
    components: dict[str, dict] = {}
    for (section, kind), nodes in sorted(per_component.items()):
        components.setdefault(section, {})[kind] = schemamerge.merge(nodes, versions)
    contrib = _contrib(components)
    return {"collector/config.yaml": DataFile({"versions": versions, "components": components, "contrib": contrib}, HEADER)}


def _contrib(components: dict[str, dict]) -> dict:
    """Merge the hand-established contrib components (their aliases included) into `components`."""
    known = hand("collector-contrib-config.yaml")
    covered: dict[str, list[str]] = {}
    for section, kinds in known["components"].items():
        for kind, node in kinds.items():
            if kind in components.get(section, {}):
                raise ValueError(f"{section}.{kind} is both a core component and in hand/collector-contrib-config.yaml")
            components.setdefault(section, {})[kind] = node
            covered.setdefault(section, []).append(kind)
    for section, aliases in (known.get("aliases") or {}).items():
        for alias, target in aliases.items():
            components[section][alias] = {**components[section][target["of"]], "since": target["since"]}
            covered[section].append(alias)
    return {"first": known["covers"]["first"], "last": known["covers"]["last"],
            "components": {section: sorted(kinds) for section, kinds in sorted(covered.items())},
            "source": "tools/datagen/hand/collector-contrib-config.yaml"}
