"""The OpenTelemetry Operator's defaults per release (open-telemetry/opentelemetry-operator).

At each release tag: versions.txt (the collector and auto-instrumentation versions the release
runs by default), the default images as the operator's flags/config build them
(`<repository>:%s` with the version), and the OTLP protocol each language's auto-instrumentation
is given when the workload does not set one.
"""

from __future__ import annotations

import re

from datagen import DataFile, ranges
from datagen.upstream import UpstreamRepo

VERSION = 1
REPOSITORIES = ("open-telemetry/opentelemetry-operator",)
HAND: tuple[str, ...] = ()
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
    return {"operator/defaults.yaml": DataFile(data, HEADER)}


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
