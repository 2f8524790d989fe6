"""Collector distributions (core, k8s, contrib): the components of every release, as ranges.

Reads distributions/<dist>/manifest.yaml at every release tag of
open-telemetry/opentelemetry-collector-releases from MIN_RELEASE on, and each core component's
metadata.yaml (type, deprecated type, stability) from open-telemetry/opentelemetry-collector at
the matching tag. Contrib component types follow the naming rule in hand/collector.yaml.
"""

from __future__ import annotations

import re

import yaml

from datagen import DataFile, hand, ranges
from datagen.upstream import UpstreamRepo

VERSION = 2
REPOSITORIES = ("open-telemetry/opentelemetry-collector-releases", "open-telemetry/opentelemetry-collector")
HAND = ("collector.yaml",)
OUTPUT = "collector/components.yaml"
MIN_RELEASE = "0.90.0"
SECTIONS = ("receivers", "processors", "exporters", "connectors", "extensions")
CLASSES = {"receivers": "receiver", "processors": "processor", "exporters": "exporter", "connectors": "connector", "extensions": "extension"}
CORE_PREFIX = "go.opentelemetry.io/collector/"
_ALIAS = re.compile(r'WithDeprecatedTypeAlias\(\s*component\.MustNewType\("([a-z0-9_]+)"\)')
CONTRIB_PREFIX = "github.com/open-telemetry/opentelemetry-collector-contrib/"

HEADER = """\
Collector components per distribution, as ranges over the collector releases (see `releases`).
components.<section>.<type>.<distribution>: {since, removed?} (or a list of them): the first
release with it and the first release without it. `deprecated`: first release whose metadata marks
the type deprecated (coverage starts at the first release listed: it may be older);
`replacement`/`note`: what to use instead (hand knowledge). `images` maps image repositories to a
distribution."""


def generate(releases: UpstreamRepo, core: UpstreamRepo) -> dict[str, DataFile]:
    known = hand("collector.yaml")
    tags = ranges.release_tags(releases.tags(), "v", MIN_RELEASE)
    core_tags = {version: tag for version, tag in ranges.release_tags(core.tags(), "v")}
    versions = [version for version, _ in tags]
    # (section, type) -> {distribution -> [present per release]}; type -> first deprecated release
    present: dict[tuple[str, str], dict[str, list[bool]]] = {}
    deprecated: dict[tuple[str, str], str] = {}
    aliases: dict[tuple[str, str], str] = {}  # (section, deprecated alias) -> current type
    for index, (version, tag) in enumerate(tags):
        for distribution, folder in known["distributions"].items():
            text = releases.show(tag, f"distributions/{folder}/manifest.yaml")
            if text is None:
                continue
            manifest = yaml.safe_load(text) or {}
            for section in SECTIONS:
                for entry in manifest.get(section) or []:
                    for kind, info in _types(entry, section, known["contribTypes"], core, core_tags, version):
                        key = (section, kind)
                        present.setdefault(key, {}).setdefault(distribution, [False] * len(tags))[index] = True
                        if info.get("deprecated"):
                            deprecated.setdefault(key, version)
                        if info.get("alias_of"):
                            aliases[key] = info["alias_of"]
    components: dict[str, dict] = {section: {} for section in SECTIONS}
    for (section, kind), by_distribution in sorted(present.items()):
        entry: dict = {}
        for distribution, flags in sorted(by_distribution.items()):
            found = ranges.spans(flags, versions)
            entry[distribution] = found[0] if len(found) == 1 else found
        if (section, kind) in deprecated:
            entry["deprecated"] = deprecated[(section, kind)]
        if (section, kind) in aliases:
            entry["replacement"] = aliases[(section, kind)]
            entry["note"] = f"{kind!r} is the deprecated name of {aliases[(section, kind)]!r}"
        replacement = (known.get("replacements") or {}).get(section, {}).get(kind)
        if replacement:
            entry["replacement"] = replacement["use"]
            entry["note"] = replacement["note"]
        components[section][kind] = entry
    for section, kinds in (known.get("replacements") or {}).items():
        for kind, replacement in kinds.items():  # removed before the first covered release
            components[section].setdefault(kind, {"replacement": replacement["use"], "note": replacement["note"]})
    data = {
        "releases": versions,
        "distributions": sorted(known["distributions"]),
        "images": known["images"],
        "components": components,
    }
    return {OUTPUT: DataFile(data, HEADER)}


def _types(entry: dict, section: str, rules: dict, core: UpstreamRepo, core_tags: dict[str, str], version: str):
    """(type, info) pairs a manifest entry provides: its type, and a deprecated alias if any."""
    gomod = str(entry.get("gomod", "")).split()
    if not gomod:
        return []
    module = entry.get("import") or gomod[0]
    if module in rules.get("external", {}):
        spec = rules["external"][module]
        return [(spec["type"], {})] if spec["section"] == section else []
    if module.startswith(CORE_PREFIX):
        return _core_types(module[len(CORE_PREFIX):], core, core_tags, version, section)
    if module.startswith(CONTRIB_PREFIX):
        relative = module[len(CONTRIB_PREFIX):]
        kind = _contrib_type(relative, section, rules)
        out = [(kind, {})]
        alias = rules.get("aliases", {}).get(relative.split("/", 1)[1] if "/" in relative else relative)
        if alias:
            out.append((alias, {}))
        return out
    raise ValueError(f"manifest module {module} is from neither collector repository: add it to contribTypes.external")


def _contrib_type(relative: str, section: str, rules: dict) -> str:
    inner = relative.split("/", 1)[1] if "/" in relative else relative
    if inner in rules["types"]:
        return rules["types"][inner]
    last = inner.rsplit("/", 1)[-1]
    suffix = CLASSES[section]
    if last.endswith(suffix):
        last = last[: -len(suffix)]
    for word, replacement in rules["suffixes"].items():
        if last.endswith(word) and not last.endswith(replacement):
            return last[: -len(word)] + replacement
    return last


def _core_types(path: str, core: UpstreamRepo, core_tags: dict[str, str], version: str, section: str):
    tag = core_tags.get(version) or _nearest(core_tags, version)
    text = core.show(tag, f"{path}/metadata.yaml") if tag else None
    if text is None:
        last = path.rsplit("/", 1)[-1]
        suffix = CLASSES[section]
        return [(last[: -len(suffix)] if last.endswith(suffix) else last, {})]
    metadata = yaml.safe_load(text) or {}
    stability = (metadata.get("status") or {}).get("stability") or {}
    levels = [level for level, signals in stability.items() if signals]
    out = [(metadata["type"], {"deprecated": levels == ["deprecated"]})]
    aliases = {metadata["deprecated_type"]} if metadata.get("deprecated_type") else set()
    # a renamed component may declare its old name in its factory before its metadata does
    aliases |= set(_ALIAS.findall(core.show(tag, f"{path}/factory.go") or ""))
    for alias in sorted(aliases):
        out.append((alias, {"deprecated": True, "alias_of": metadata["type"]}))
    return out


def _nearest(tags: dict[str, str], version: str) -> str | None:
    target = ranges.parse(version)
    older = [(ranges.parse(v), tag) for v, tag in tags.items() if ranges.parse(v) <= target]
    return max(older)[1] if older else None
