"""Collector distributions (core, k8s, contrib): the components of every release, as ranges.

Reads distributions/<dist>/manifest.yaml at every release tag of
open-telemetry/opentelemetry-collector-releases from MIN_RELEASE on, and each component's
metadata.yaml (type, deprecated_type, stability) and factory.go (a deprecated type alias) at the
matching tag of the repository that holds it: open-telemetry/opentelemetry-collector for core
modules, open-telemetry/opentelemetry-collector-contrib for contrib modules. The contrib
repository is optional (its snapshot is larger than a fetch here allows): without it, and for a
module with no metadata.yaml at the tag, the type follows the naming rule and the renames in
hand/collector.yaml, and the data says so (`contribTypes.source`, `derived` entries).
"""

from __future__ import annotations

import re

import yaml

from datagen import DataFile, hand, ranges
from datagen.upstream import AbsentRepo, UpstreamRepo

VERSION = 3
REPOSITORIES = ("open-telemetry/opentelemetry-collector-releases", "open-telemetry/opentelemetry-collector")
OPTIONAL_REPOSITORIES = ("open-telemetry/opentelemetry-collector-contrib",)
HAND = ("collector.yaml",)
OUTPUT = "collector/components.yaml"
MIN_RELEASE = "0.90.0"
SECTIONS = ("receivers", "processors", "exporters", "connectors", "extensions")
CLASSES = {"receivers": "receiver", "processors": "processor", "exporters": "exporter", "connectors": "connector", "extensions": "extension"}
CORE_PREFIX = "go.opentelemetry.io/collector/"
_TYPE_STR = re.compile(r'\btypeStr\s*(?:component\.Type\s*)?=\s*(?:component\.(?:Type|MustNewType)\()?"([a-z0-9_]+)"')
CONTRIB_PREFIX = "github.com/open-telemetry/opentelemetry-collector-contrib/"
# a literal alias; contrib factories pass metadata.DeprecatedType, which metadata.yaml states
_ALIAS = re.compile(r'WithDeprecatedTypeAlias\(\s*component\.MustNewType\("([a-z0-9_]+)"\)')

HEADER = """\
Collector components per distribution, as ranges over the collector releases (see `releases`).
components.<section>.<type>.<distribution>: {since, removed?} (or a list of them): the first
release with it and the first release without it. `deprecated`: first release whose metadata marks
the type deprecated, or that renamed it (coverage starts at the first release listed: it may be
older); `replacement`/`note`: what to use instead. `renamedFrom`: the type's former name, still
accepted as a deprecated alias. `derived`: the type was derived from the module name (naming rule
and renames in tools/datagen/hand/collector.yaml), not read from the component's metadata.yaml;
`uncertainBefore`: a renamed type known from that release on, whose first release is not known.
`contribTypes.source`: `metadata` when contrib types were read from
open-telemetry/opentelemetry-collector-contrib, else `naming-rule`; `renamesSince`: the first
release with a renamed type (snake_case renames keep the old name as an alias). `images` maps
image repositories to a distribution."""


class _Metadata:
    """Types of the components of one collector repository at the tag of a release, from their
    metadata.yaml and factory.go; each distinct blob is parsed once across all tags."""

    def __init__(self, repo: UpstreamRepo, tags: dict[str, str]) -> None:
        self.repo = repo
        self.tags = tags  # version -> tag
        self._blobs: dict[str, dict[str, str]] = {}  # tag -> {file path: blob id}
        self._parsed: dict[str, object] = {}  # blob id -> parsed metadata or factory aliases
        self.read = False  # whether any metadata.yaml was found

    def tag(self, version: str) -> str | None:
        return self.tags.get(version) or _nearest(self.tags, version)

    def load(self, version: str, folders: list[str]) -> None:
        """List the metadata.yaml and factory.go of these component folders at the release's tag."""
        tag = self.tag(version)
        if tag is not None and tag not in self._blobs:
            paths = [f"{folder}/{name}" for folder in sorted(set(folders)) for name in ("metadata.yaml", "factory.go")]
            self._blobs[tag] = self.repo.blob_ids(tag, paths)

    def types(self, version: str, folder: str) -> list[tuple[str, dict]] | None:
        """(type, info) pairs of a component folder, or None when it has no metadata.yaml there."""
        tag = self.tag(version)
        blobs = self._blobs.get(tag or "", {})
        meta_blob = blobs.get(f"{folder}/metadata.yaml")
        if meta_blob is None:
            return self._factory_type(blobs.get(f"{folder}/factory.go"))
        metadata = self._parse(meta_blob, lambda text: yaml.safe_load(text) or {})
        if not isinstance(metadata, dict) or not metadata.get("type"):
            return None
        self.read = True
        stability = (metadata.get("status") or {}).get("stability") or {}
        levels = [level for level, signals in stability.items() if signals]
        kind = str(metadata["type"])
        out = [(kind, {"deprecated": levels == ["deprecated"]})]
        aliases = {str(metadata["deprecated_type"])} if metadata.get("deprecated_type") else set()
        factory_blob = blobs.get(f"{folder}/factory.go")
        if factory_blob is not None:  # a renamed component may declare its old name in its factory first
            aliases |= self._parse(factory_blob, lambda text: set(_ALIAS.findall(text)))  # type: ignore[operator]
        for alias in sorted(aliases - {kind}):
            out.append((alias, {"deprecated": True, "alias_of": kind}))
        return out

    def _factory_type(self, factory_blob: str | None) -> list[tuple[str, dict]] | None:
        """Releases before metadata.yaml: the type the factory declares (`typeStr = "memory_limiter"`)."""
        if factory_blob is None:
            return None
        found = self._parse(factory_blob, lambda text: _TYPE_STR.findall(text))
        if not isinstance(found, list) or len(set(found)) != 1:
            return None
        return [(found[0], {})]

    def _parse(self, blob_id: str, parse) -> object:
        if blob_id not in self._parsed:
            self._parsed[blob_id] = parse(self.repo.blob(blob_id))
        return self._parsed[blob_id]


def generate(releases: UpstreamRepo, core: UpstreamRepo, contrib: UpstreamRepo | AbsentRepo) -> dict[str, DataFile]:
    known = hand("collector.yaml")
    rules = known["contribTypes"]
    tags = ranges.release_tags(releases.tags(), "v", MIN_RELEASE)
    readers = {"core": _Metadata(core, dict(ranges.release_tags(core.tags(), "v")))}
    if contrib.present:
        readers["contrib"] = _Metadata(contrib, dict(ranges.release_tags(contrib.tags(), "v")))
    versions = [version for version, _ in tags]
    # (section, type) -> {distribution -> [present per release]}
    present: dict[tuple[str, str], dict[str, list[bool]]] = {}
    infos: dict[tuple[str, str], dict] = {}  # first release deprecated, former name, ... per type
    for index, (version, tag) in enumerate(tags):
        manifests = {}
        for distribution, folder in known["distributions"].items():
            text = releases.show(tag, f"distributions/{folder}/manifest.yaml")
            if text is not None:
                manifests[distribution] = yaml.safe_load(text) or {}
        entries = [(distribution, section, entry) for distribution, manifest in manifests.items()
                   for section in SECTIONS for entry in manifest.get(section) or []]
        for repository, reader in readers.items():
            reader.load(version, [where[1] for _, _, entry in entries if (where := _module(entry, rules)) and where[0] == repository])
        for distribution, section, entry in entries:
            for kind, info in _types(entry, section, rules, readers, version):
                key = (section, kind)
                present.setdefault(key, {}).setdefault(distribution, [False] * len(tags))[index] = True
                seen = infos.setdefault(key, {})
                if info.get("deprecated"):
                    seen.setdefault("deprecated", version)
                for field in ("alias_of", "renamed_from", "uncertain_before", "derived"):
                    if info.get(field):
                        seen[field] = info[field]
    components: dict[str, dict] = {section: {} for section in SECTIONS}
    renames_since = None
    for (section, kind), by_distribution in sorted(present.items()):
        info = infos[(section, kind)]
        entry: dict = {}
        for distribution, flags in sorted(by_distribution.items()):
            found = ranges.spans(flags, versions)
            entry[distribution] = found[0] if len(found) == 1 else found
        if "deprecated" in info:
            entry["deprecated"] = info["deprecated"]
        if info.get("alias_of"):
            entry["replacement"] = info["alias_of"]
            entry["note"] = f"{kind!r} is the deprecated name of {info['alias_of']!r}"
            if info.get("deprecated") and (renames_since is None or ranges.parse(info["deprecated"]) < ranges.parse(renames_since)):
                renames_since = info["deprecated"]
        if info.get("renamed_from"):
            entry["renamedFrom"] = info["renamed_from"]
        if info.get("uncertain_before"):
            entry["uncertainBefore"] = info["uncertain_before"]
        if info.get("derived"):
            entry["derived"] = True
        replacement = (known.get("replacements") or {}).get(section, {}).get(kind)
        if replacement:
            entry["replacement"] = replacement["use"]
            entry["note"] = replacement["note"]
        components[section][kind] = entry
    for section, kinds in (known.get("replacements") or {}).items():
        for kind, replacement in kinds.items():  # removed before the first covered release
            components[section].setdefault(kind, {"replacement": replacement["use"], "note": replacement["note"]})
    contrib_types = {"source": "metadata" if "contrib" in readers and readers["contrib"].read else "naming-rule"}
    if renames_since:
        contrib_types["renamesSince"] = renames_since
    data = {
        "releases": versions,
        "distributions": sorted(known["distributions"]),
        "images": known["images"],
        "contribTypes": contrib_types,
        "components": components,
    }
    return {OUTPUT: DataFile(data, HEADER)}


def _module(entry: dict, rules: dict) -> tuple[str, str] | None:
    """(repository key, component folder) of a manifest entry: core or contrib; None for others."""
    gomod = str(entry.get("gomod", "")).split()
    if not gomod:
        return None
    module = entry.get("import") or gomod[0]
    if module in rules.get("external", {}):
        return None
    if module.startswith(CORE_PREFIX):
        return "core", module[len(CORE_PREFIX):]
    if module.startswith(CONTRIB_PREFIX):
        return "contrib", module[len(CONTRIB_PREFIX):]
    raise ValueError(f"manifest module {module} is from neither collector repository: add it to contribTypes.external")


def _types(entry: dict, section: str, rules: dict, readers: dict[str, _Metadata], version: str):
    """(type, info) pairs a manifest entry provides: its type, and a deprecated alias if any."""
    gomod = str(entry.get("gomod", "")).split()
    if not gomod:
        return []
    module = entry.get("import") or gomod[0]
    if module in rules.get("external", {}):
        spec = rules["external"][module]
        return [(spec["type"], {})] if spec["section"] == section else []
    repository, folder = _module(entry, rules)  # type: ignore[misc]
    found = readers[repository].types(version, folder) if repository in readers else None
    if found is not None:
        (kind, info), aliases = found[0], found[1:]
        return [(kind, {**info, "renamed_from": aliases[0][0]} if aliases else info), *aliases]
    if repository == "core":
        last = folder.rsplit("/", 1)[-1]
        suffix = CLASSES[section]
        return [(last[: -len(suffix)] if last.endswith(suffix) else last, {"derived": True})]
    return _derived_types(folder, section, rules, version)


def _derived_types(folder: str, section: str, rules: dict, version: str) -> list[tuple[str, dict]]:
    """A contrib module's types without its metadata: the naming rule, then a hand rename from the
    release that made it (`since`), or the first release known to have it (`by`)."""
    inner = folder.split("/", 1)[1] if "/" in folder else folder
    former = _contrib_type(folder, section, rules)
    rename = rules.get("renames", {}).get(inner)
    if not rename:
        return [(former, {"derived": True})]
    kind = rename["type"]
    first = rename.get("since") or rename.get("by")
    if first is None:  # the release of the rename is not known: both names wherever the module is
        return [(kind, {"derived": True, "renamed_from": former}), (former, {"derived": True})]
    if ranges.parse(version) < ranges.parse(first):
        return [(former, {"derived": True})]
    info = {"derived": True, "renamed_from": former, "uncertain_before": rename.get("by")}
    return [(kind, info), (former, {"derived": True, "deprecated": True, "alias_of": kind})]


def _contrib_type(folder: str, section: str, rules: dict) -> str:
    inner = folder.split("/", 1)[1] if "/" in folder else folder
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


def _nearest(tags: dict[str, str], version: str) -> str | None:
    target = ranges.parse(version)
    older = [(ranges.parse(v), tag) for v, tag in tags.items() if ranges.parse(v) <= target]
    return max(older)[1] if older else None
