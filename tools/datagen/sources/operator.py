"""The OpenTelemetry Operator's defaults per release, and its CRD schemas
(open-telemetry/opentelemetry-operator).

At each release tag: versions.txt (the collector and auto-instrumentation versions the release
runs by default), the default images as the operator's flags/config build them
(`<repository>:%s` with the version), and the OTLP protocol each language's auto-instrumentation
is given when the workload does not set one. The CRD schemas (OpenTelemetryCollector v1alpha1 and
v1beta1, Instrumentation v1alpha1) come from config/crd/bases at the newest release, turned into
JSON schemas with the Kubernetes-typed fields as references (hand/crds.yaml).
"""

from __future__ import annotations

import re

import yaml

from datagen import DataFile, crdschema, hand, ranges, receiverports
from datagen.upstream import UpstreamRepo

VERSION = 3
REPOSITORIES = ("open-telemetry/opentelemetry-operator",)
HAND = ("crds.yaml",)
CRDS = {  # data file name -> (CRD file in the repository, API version)
    "opentelemetry.io-v1beta1-OpenTelemetryCollector": ("config/crd/bases/opentelemetry.io_opentelemetrycollectors.yaml", "v1beta1"),
    "opentelemetry.io-v1alpha1-OpenTelemetryCollector": ("config/crd/bases/opentelemetry.io_opentelemetrycollectors.yaml", "v1alpha1"),
    "opentelemetry.io-v1alpha1-Instrumentation": ("config/crd/bases/opentelemetry.io_instrumentations.yaml", "v1alpha1"),
}
CRD_HEADER = """\
{kind}, {group}/{version}, from the CRD of operator {operator} (config/crd/bases), as a JSON
schema: every field the API server accepts, with its type, required fields and allowed values.
`k8s:<definition>` references a Kubernetes API definition (the fields the operator's Go types
embed, hand/crds.yaml). Fields with a default are not required (the API server fills them); null
passes where the API server would prune it (not for fields with a set of allowed values)."""
MIN_VERSION = "0.90.0"
_IMAGE = re.compile(r'"([a-z0-9.\-]+(?:/[a-z0-9._\-]+)+):%s",\s*v\.(\w+)')
_PROTOCOL_CONST = re.compile(r'(\w+)\s*=\s*"OTEL_EXPORTER_OTLP_PROTOCOL"')
_LANGUAGE_FILES = ("python", "nodejs", "dotnet", "javaagent", "golang", "apachehttpd", "nginx")

HEADER = """\
OpenTelemetry Operator defaults per release. `releases.<operator>`: the component versions the
release runs by default (its versions.txt; `collector` is the default collector image's tag).
`images.<component>`: the default image repository (the tag is the component version), and
`protocols.<language>`: the OTEL_EXPORTER_OTLP_PROTOCOL the operator injects when the container
sets none; both as ranges of operator releases ({value, since, until} where they changed)."""
PORTS_HEADER = """\
The Service ports the OpenTelemetry Operator opens for a collector's receivers, from its receiver
parser registry (internal/components/receivers) at every release from {first}.
`receiverPorts.<receiver type>.<protocol>` ("" for single-port receivers): the port for a receiver
used in a pipeline whose endpoint names none, as in the newest release that has it; `until`: the
last release that did. Receivers not listed get a port only from their endpoint."""


def generate(repo: UpstreamRepo) -> dict[str, DataFile]:
    tags = ranges.release_tags(repo.tags(), "v", MIN_VERSION)
    versions = [version for version, _ in tags]
    releases: dict[str, dict] = {}
    images: dict[str, list] = {}
    protocols: dict[str, list] = {}
    for index, (version, tag) in enumerate(tags):
        components = {}
        for line in (repo.show(tag, "versions.txt") or "").splitlines():
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                key, _, value = line.partition("=")
                components[_short(key.strip())] = value.strip()
        releases[version] = components
        for pattern in (r"opentelemetry-collector-releases/opentelemetry-collector[a-z-]*:%s", r"autoinstrumentation-[a-z]+:%s"):
            for path in repo.grep(tag, pattern, "*.go"):
                if path.endswith("_test.go"):
                    continue
                for repository, field in _IMAGE.findall(repo.show(tag, path) or ""):
                    column = images.setdefault(_field_component(field, components), [None] * len(tags))
                    column[index] = column[index] or repository
        for language, protocol in _protocols(repo, tag).items():
            protocols.setdefault(language, [None] * len(tags))[index] = protocol
    data = {
        "releases": releases,
        "images": {name: ranges.versioned(values, versions) for name, values in sorted(images.items())},
        "protocols": {name: ranges.versioned(values, versions) for name, values in sorted(protocols.items())},
    }
    ports, first = _receiver_ports(repo, tags)
    out = {"operator/defaults.yaml": DataFile(data, HEADER),
           "operator/receiver-ports.yaml": DataFile({"receiverPorts": ports}, PORTS_HEADER.format(first=first))}
    out.update(_crds(repo, tags[-1]))
    return out


def _crds(repo: UpstreamRepo, newest: tuple[str, str]) -> dict[str, DataFile]:
    known = hand("crds.yaml")["kubernetes"]
    version, tag = newest
    out = {}
    for name, (path, api_version) in CRDS.items():
        crd = yaml.safe_load(repo.show(tag, path) or "null")
        if not isinstance(crd, dict):
            raise ValueError(f"{path} is missing at {tag}")
        refs = dict(known.get(name, {}))
        document = crdschema.document(crd, api_version, refs)
        unused = sorted(refs)
        if unused:
            raise ValueError(f"hand/crds.yaml names fields {name} does not have at {tag}: {', '.join(unused)}")
        header = CRD_HEADER.format(kind=crd["spec"]["names"]["kind"], group=crd["spec"]["group"], version=api_version, operator=version)
        out[f"schemas/crds/{name}.yaml"] = DataFile(document, header)
    return out


def _receiver_ports(repo: UpstreamRepo, tags: list[tuple[str, str]]) -> tuple[dict, str]:
    found: dict[str, dict[str, dict]] = {}
    newest, first = tags[-1][0], ""
    for version, tag in reversed(tags):  # newest first: the newest release that has a port describes it
        registry = repo.show(tag, receiverports.REGISTRY)
        if registry is None:
            continue
        first = version
        for receiver, ports in receiverports.parse(registry, repo.show(tag, receiverports.CONSTANTS) or "").items():
            for protocol, entry in ports.items():
                if protocol not in found.setdefault(receiver, {}):
                    found[receiver][protocol] = entry if version == newest else dict(entry, until=version)
    if not found:
        raise ValueError(f"no receiver parser registry ({receiverports.REGISTRY}) at any release")
    return found, first


def _short(name: str) -> str:
    """versions.txt names without their common prefixes: autoinstrumentation-java -> java."""
    return name.removeprefix("autoinstrumentation-").removeprefix("opentelemetry-").removeprefix("operator-")


def _field_component(field: str, components: dict) -> str:
    """The component a `v.<Field>` version field names: OpenTelemetryCollector -> collector."""
    flat = field.lower()
    for name, full in (("collector", "opentelemetrycollector"), ("opamp-bridge", "operatoropampbridge"),
                       ("targetallocator", "targetallocator")):
        if flat == full:
            return name
    for name in components:
        if flat == "autoinstrumentation" + name.replace("-", ""):
            return name
    return flat


def _protocols(repo: UpstreamRepo, tag: str) -> dict[str, str]:
    folder = next((f for f in ("internal/instrumentation", "pkg/instrumentation") if repo.ls_tree(tag, f)), None)
    if folder is None:
        return {}
    texts = {path.rsplit("/", 1)[-1][:-3]: repo.show(tag, path) or "" for path in repo.ls_tree(tag, folder)
             if path.endswith(".go") and not path.endswith("_test.go")}
    names = {'"OTEL_EXPORTER_OTLP_PROTOCOL"'} | {match for text in texts.values() for match in _PROTOCOL_CONST.findall(text)}
    pattern = re.compile(r"Name:\s*(" + "|".join(re.escape(n) for n in sorted(names)) + r")\s*,\s*Value:\s*\"([^\"]+)\"")
    found = {}
    for language in _LANGUAGE_FILES:  # the same short names as versions.txt
        match = pattern.search(texts.get(language, ""))
        if match:
            found[{"javaagent": "java", "golang": "go", "apachehttpd": "apache-httpd"}.get(language, language)] = match.group(2)
    return found
