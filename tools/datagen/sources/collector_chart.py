"""The OpenTelemetry Collector Helm chart (open-telemetry/opentelemetry-helm-charts, charts/opentelemetry-collector).

Besides the values keys (shared with the operator chart, charts/opentelemetry-collector.yaml),
what the chart deploys as a collector, per chart version (collector/chart.yaml): each distinct
chart (its values.yaml and templates) is rendered with the real `helm template` (datagen.helmrender)
to read the collector configuration it writes by default, the configuration each preset adds, and
the Service it creates; the default `ports` come from values.yaml and are checked against the
rendered Service's ports.
"""

from __future__ import annotations

import copy
import json
import re

from datagen import DataFile, hand, helmrender, ranges
from datagen.sources import _otel_chart
from datagen.upstream import UpstreamError, UpstreamRepo

VERSION = 4
REPOSITORIES = ("open-telemetry/opentelemetry-helm-charts",)
HAND = ("charts.yaml",)
CHART = "opentelemetry-collector"
PATH = f"charts/{CHART}"
MIN_VERSION = "0.75.0"  # collector 0.90 and later (the releases the component data covers)
OUTPUT = "collector/chart.yaml"
RELEASE = "rel"
NAMESPACE = "rendered"
# Values every render needs: older charts have no default mode or image and refuse to render.
REQUIRED = {"mode": "deployment", "image": {"repository": "otel/opentelemetry-collector-contrib"}}
# Whether the chart creates its Service: rendered with these values (over REQUIRED) at every version.
SERVICE_SWITCHES = {
    "withServiceDisabled": {"service": {"enabled": False}},  # deployment mode, service.enabled false
    "inDaemonsetModeWithServiceEnabled": {"mode": "daemonset", "service": {"enabled": True}},
    "inDaemonsetModeWithIngress": {"mode": "daemonset", "ingress": {"enabled": True, "hosts": [{"host": "collector.example",
                                                                                                 "paths": [{"path": "/", "pathType": "Prefix", "port": 4318}]}]}},
}
SECTIONS = ("receivers", "processors", "exporters", "connectors", "extensions")
PIPELINE_KEYS = ("receivers", "processors", "exporters")
NOT_RENDERED = ("examples/", "ci/")  # not read by any template

HEADER = """\
The OpenTelemetry Collector chart as a collector, per chart version (`versions`: every release
tag from {minimum}, each rendered with `helm template`). Each fact is a list of {{value, since?,
until?}} (chart versions; a fact without an entry for a version does not exist there).
`config`: the collector configuration the chart writes with its default values (mode deployment);
a release's effective configuration is this merged with the values' `config` as Helm merges values
(maps merge, null deletes a key, lists are replaced), then the enabled presets.
`presets.<preset>`: what enabling it (its other settings at their defaults) adds: `components`
(merged under the configuration's own: the configuration wins) and `pipelines.<name>.<list>`
(`prepend`/`append`: ids put before/after the list's own, once each; `create`: the lists of a
pipeline the default configuration does not have); `presetOrder`: the order the chart applies them in;
`presetsNotRendered`: presets the chart refuses to render (with why), whose additions are not known.
`ports`: the default `ports` values; the chart's Service (`service.name`: the chart's fullname
helper, in `namespaceOverride` or the release namespace) offers each enabled entry as port
`servicePort` -> `containerPort`, with its `protocol` and `appProtocol`. Whether it exists, each
rendered: in deployment mode (always, unless `withServiceDisabled` is false: service.enabled false
removes it), in daemonset mode (`inDaemonsetMode`), in daemonset mode with service.enabled true
(`inDaemonsetModeWithServiceEnabled`) or with an ingress (`inDaemonsetModeWithIngress`)."""


def generate(repo: UpstreamRepo):
    files = _otel_chart.generate(repo, CHART, MIN_VERSION)
    files[OUTPUT] = DataFile(collector(repo), HEADER.format(minimum=MIN_VERSION))
    return files


def _ranged(values: list, versions: list[str]) -> list[dict]:
    return ranges.runs(values, versions, skip_none=True)


def collector(repo: UpstreamRepo) -> dict:
    tags = ranges.release_tags(repo.tags(), f"{CHART}-", MIN_VERSION)
    versions = [version for version, _ in tags]
    groups: dict[str, list[int]] = {}  # the same values.yaml and templates -> versions
    chart_blobs = []
    for index, (_, tag) in enumerate(tags):
        blobs = {p: b for p, b in repo.blobs(tag, PATH).items() if not p[len(PATH) + 1:].startswith(NOT_RENDERED)}
        chart_blobs.append(blobs)
        key = json.dumps(sorted((p, b) for p, b in blobs.items() if not p.endswith(("/Chart.yaml", ".md"))))
        groups.setdefault(key, []).append(index)
    facts: list[dict | None] = [None] * len(tags)
    for indexes in groups.values():
        first = indexes[0]
        found = _facts(repo, tags[first][1], chart_blobs[first])
        for index in indexes:
            facts[index] = found
    presets = sorted({name for f in facts if f for name in f["presets"]})
    return {
        "chart": CHART,
        "versions": versions,
        "config": _ranged([f["config"] for f in facts], versions),
        "ports": _ranged([f["ports"] for f in facts], versions),
        "presets": {name: _ranged([(f["presets"].get(name) if f else None) for f in facts], versions) for name in presets},
        "presetOrder": _ranged([f["presetOrder"] for f in facts], versions),
        "presetsNotRendered": _ranged([f["presetsNotRendered"] or None for f in facts], versions),
        "service": {"name": "fullname", **{key: _ranged([f["service"][key] for f in facts], versions)
                                           for key in ("inDaemonsetMode", *SERVICE_SWITCHES)}},
    }


def _facts(repo: UpstreamRepo, tag: str, blobs: dict[str, str]) -> dict:
    import yaml

    values = yaml.safe_load(repo.blob(blobs[f"{PATH}/values.yaml"])) or {}
    units = _preset_units(values.get("presets") or {})
    renders = [helmrender.Render("base", REQUIRED), helmrender.Render("daemonset", dict(REQUIRED, mode="daemonset"))]
    renders += [helmrender.Render(name, _merge(REQUIRED, extra)) for name, extra in SERVICE_SWITCHES.items()]
    needs = hand("charts.yaml")[CHART].get("presetRenderValues") or {}
    renders += [helmrender.Render(f"preset:{'.'.join(unit)}", _merge(_merge(REQUIRED, needs.get(".".join(unit)) or {}), {"presets": _enable(unit)}))
                for unit in units]
    rendered = helmrender.render_all(repo, blobs, PATH, renders)
    base = rendered["base"]
    if isinstance(base, str):
        raise UpstreamError(f"{tag}: helm template failed: {base}")
    config = _relay(base)
    service = _service(base)
    if config is None or service is None:
        raise UpstreamError(f"{tag}: the default render has no relay ConfigMap or no Service {RELEASE}-{CHART}")
    if service["metadata"].get("namespace") not in (NAMESPACE, None):
        raise UpstreamError(f"{tag}: the Service is not in the release namespace")
    ports = values.get("ports") or {}
    _check_ports(tag, ports, service)
    switches = {name: _has_service(rendered[name]) for name in SERVICE_SWITCHES}
    presets, unrendered = {}, {}
    for unit in units:
        found = rendered[f"preset:{'.'.join(unit)}"]
        preset_config = None if isinstance(found, str) else _relay(found)
        if preset_config is None:  # the chart refuses it with these values: say so, the validator cannot know what it adds
            unrendered[".".join(unit)] = found if isinstance(found, str) else "no relay ConfigMap"
        else:
            presets[".".join(unit)] = _additions(config, preset_config)
    text = "\n".join(repo.blob(b) for p, b in sorted(blobs.items()) if p.endswith(".tpl"))
    order = sorted(presets, key=lambda name: (_first_use(text, name), name))
    return {
        "config": config,
        "ports": ports,
        "presets": presets,
        "presetOrder": order,
        "presetsNotRendered": unrendered,
        "service": {"inDaemonsetMode": _has_service(rendered["daemonset"]), **switches},
    }


def _has_service(documents: list[dict] | str) -> bool:
    return not isinstance(documents, str) and _service(documents) is not None


def _preset_units(presets: dict, prefix: tuple = ()) -> list[tuple]:
    """The presets that can be enabled: a key with an `enabled` switch, or else its children that have one."""
    units = []
    for name, node in presets.items():
        if not isinstance(node, dict):
            continue
        if isinstance(node.get("enabled"), bool):
            units.append(prefix + (name,))
        elif not prefix:
            units += _preset_units(node, (name,))
    return units


def _enable(unit: tuple) -> dict:
    node: dict = {"enabled": True}
    for name in reversed(unit):
        node = {name: node}
    return node


def _merge(base: dict, extra: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in extra.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def _relay(documents: list[dict]) -> dict | None:
    import yaml

    for doc in documents:
        if doc.get("kind") == "ConfigMap" and isinstance(doc.get("data"), dict) and "relay" in doc["data"]:
            return yaml.safe_load(doc["data"]["relay"])
    return None


def _service(documents: list[dict]) -> dict | None:
    return next((doc for doc in documents if doc.get("kind") == "Service"
                 and (doc.get("metadata") or {}).get("name") == f"{RELEASE}-{CHART}"), None)


def _check_ports(tag: str, ports: dict, service: dict) -> None:
    """The rendered Service offers exactly the enabled `ports` entries (servicePort -> containerPort)."""
    expected = sorted((name, entry.get("servicePort"), entry.get("containerPort"), entry.get("protocol"), entry.get("appProtocol"))
                      for name, entry in ports.items() if isinstance(entry, dict) and entry.get("enabled"))
    rendered = sorted((p.get("name"), p.get("port"), p.get("targetPort"), p.get("protocol"), p.get("appProtocol"))
                      for p in (service.get("spec") or {}).get("ports") or [])
    if expected != rendered:
        raise UpstreamError(f"{tag}: the Service's ports are not the enabled `ports` values: {rendered} vs {expected}")


def _additions(base: dict, preset: dict) -> dict:
    out: dict = {}
    for section in SECTIONS:
        before, after = base.get(section) or {}, preset.get(section) or {}
        changed = {name: value for name, value in after.items() if before.get(name) != value}
        if changed:
            out.setdefault("components", {})[section] = changed
    base_service, preset_service = base.get("service") or {}, preset.get("service") or {}
    extensions = _list_change(base_service.get("extensions") or [], preset_service.get("extensions") or [])
    if extensions:
        out["extensions"] = extensions
    base_pipes = base_service.get("pipelines") or {}
    for name, pipeline in sorted((preset_service.get("pipelines") or {}).items()):
        if name not in base_pipes:  # a pipeline the preset creates when the configuration has none
            out.setdefault("pipelines", {})[name] = {"create": {k: v for k, v in (pipeline or {}).items() if k in PIPELINE_KEYS}}
            continue
        for key in PIPELINE_KEYS:
            change = _list_change((base_pipes.get(name) or {}).get(key) or [], (pipeline or {}).get(key) or [])
            if change:
                out.setdefault("pipelines", {}).setdefault(name, {})[key] = change
    return out


def _list_change(before: list, after: list) -> dict | None:
    if before == after:
        return None
    added = [item for item in after if item not in before]
    if after == added + before:
        return {"prepend": added}
    if after == before + added:
        return {"append": added}
    if not before:
        return {"append": after}
    raise UpstreamError(f"a preset changes a list other than by adding to its ends: {before} -> {after}")


def _first_use(text: str, name: str) -> int:
    match = re.search(r"\.Values\.presets\." + re.escape(name) + r"\b", text)
    return match.start() if match else len(text)
