"""The opentelemetry-collector Helm chart as a collector: the configuration, image and Service a
release of it runs, from the chart version and its values, with the chart's own facts per version
(data/collector/chart.yaml, rendered from each chart version with `helm template` by tools/datagen).

The effective configuration is the chart's default configuration merged with the values' `config`
as Helm merges values (maps merge key by key, null deletes a key, lists and scalars replace), then
each enabled preset's additions in the chart's order; positions follow the values where they came
from, and the chart's own parts point at `default_location` (the line choosing the chart version).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from otelstack import resources, versions, wiring
from otelstack.source import Located, Location, Path, is_unknown, walk

CHART = "opentelemetry-collector"
SECTIONS = ("receivers", "processors", "exporters", "connectors", "extensions")


@lru_cache(maxsize=1)
def facts() -> dict:
    """Read only when the tree deploys the chart (the file is larger than the other chart data)."""
    return resources.data_yaml("collector", "chart.yaml")


def covers(chart_version: str) -> bool:
    return chart_version in facts()["versions"]


def at(entries: list[dict] | None, chart_version: str) -> Any:
    """The value of a ranged fact ([{value, since?, until?}]) for a chart version; None when absent."""
    for entry in entries or ():
        if versions.in_range(chart_version, entry.get("since"), entry.get("until")):
            return entry["value"]
    return None


@dataclass(frozen=True)
class ServicePort:
    name: str
    port: int  # servicePort
    target: int  # containerPort
    protocol: str
    app_protocol: str | None


def helm_merge(base: Located, override: Located) -> Located:
    """`override` merged into `base` as Helm merges values: maps key by key, anything else replaced,
    and a null deletes the key (also inside a replaced part, where there is nothing to delete)."""
    from otelstack.stack.merge import merge_located

    merged = merge_located(base, override)
    for path, value in walk(override.data):
        parent = merged.get(path[:-1]) if path else None
        if value is None and isinstance(parent, dict) and path[-1] in parent:
            del parent[path[-1]]
            _drop(merged, path, including_self=True)
    return merged


def _drop(doc: Located, path: Path, including_self: bool) -> None:
    n = len(path)
    for table in (doc.locations, doc.key_locations):
        for p in [p for p in table if p[:n] == path and (including_self or len(p) > n)]:
            del table[p]


def _placed(data: Any, where: Location) -> Located:
    """Chart data as a document whose every part is at `where`."""
    doc = Located(copy.deepcopy(data), where.file)
    for path, _ in walk(doc.data):
        doc.locations[path] = where
    return doc


def merged_values(chart_default: Any, values: Located | None, key: str, where: Location) -> Located:
    """One top-level values key (config, ports): the chart's default with the release's values merged in."""
    doc = _placed(chart_default if chart_default is not None else {}, where)
    if values is not None and isinstance(values.data, dict) and key in values.data:
        own = values.data[key]
        if own is None:
            return _placed({}, where)  # null removes the chart's default altogether
        if is_unknown(own) or not isinstance(own, dict):
            return Located(own, where.file, {(): values.location((key,))})
        return helm_merge(doc, values.sub((key,)))
    return doc


def effective_config(chart_version: str, values: Located | None, where: Location) -> Located | None:
    """The collector configuration a release runs: defaults + values' config + enabled presets."""
    data = facts()
    own_map = values.get(("configMap",)) if values is not None else None
    if isinstance(own_map, dict) and (own_map.get("create") is False or own_map.get("existingName")) or is_unknown(own_map):
        return None  # the collector reads a ConfigMap made elsewhere: its configuration is not in these values
    alternate = values.get(("alternateConfig",)) if values is not None else None
    if isinstance(alternate, dict) and alternate:  # the chart writes it instead of config (newer charts)
        config = merged_values({}, values, "alternateConfig", where)
    else:
        config = merged_values(at(data["config"], chart_version), values, "config", where)
    if not isinstance(config.data, dict):
        return None
    unknown = at(data.get("presetsNotRendered"), chart_version) or {}
    for preset in list(at(data["presetOrder"], chart_version) or ()) + sorted(unknown):
        switch = values.get(("presets", *preset.split("."), "enabled")) if values is not None else None
        if is_unknown(switch) or (switch is True and preset in unknown):
            return None  # what the configuration becomes is not known: the collector rules do not judge it
        additions = at(data["presets"].get(preset), chart_version)
        if switch is True and additions:
            _apply_preset(config, additions, where)
    return config


def _apply_preset(config: Located, additions: dict, where: Location) -> None:
    for section, components in (additions.get("components") or {}).items():
        holder = config.data.setdefault(section, {})
        if not isinstance(holder, dict):
            continue
        for name, fragment in components.items():
            own = holder.get(name)
            if own is None:
                holder[name] = copy.deepcopy(fragment)
                for path, _ in walk(holder[name], (section, name)):
                    config.locations[path] = where
            elif isinstance(own, dict) and isinstance(fragment, dict):
                holder[name] = _under(fragment, own)  # the configuration's own settings win
    service = config.data.setdefault("service", {})
    if not isinstance(service, dict):
        return
    if additions.get("extensions"):
        _extend(config, ("service", "extensions"), additions["extensions"], where)
    pipelines = service.setdefault("pipelines", {})
    if not isinstance(pipelines, dict):
        return
    own_components = {name for components in (additions.get("components") or {}).values() for name in components}
    for name, lists in (additions.get("pipelines") or {}).items():
        created = lists.get("create")
        if created is not None:
            if name not in pipelines:
                pipelines[name] = copy.deepcopy(created)
                for path, _ in walk(pipelines[name], ("service", "pipelines", name)):
                    config.locations[path] = where
                continue
            # the configuration has that pipeline: the preset adds its own components to it
            lists = {key: {"append": [i for i in items if i in own_components]} for key, items in created.items()}
        pipeline = pipelines.setdefault(name, {})
        if isinstance(pipeline, dict):
            for key, change in lists.items():
                _extend(config, ("service", "pipelines", name, key), change, where)


def _under(fragment: dict, own: dict) -> dict:
    out = copy.deepcopy(fragment)
    for key, value in own.items():
        out[key] = _under(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def _extend(config: Located, path: Path, change: dict, where: Location) -> None:
    """Prepend or append ids to a list (each once), keeping the positions of the items already there."""
    parent = config.get(path[:-1])
    current = parent.get(path[-1]) if isinstance(parent, dict) else None
    if current is None:
        current = []
    if not isinstance(current, list):
        return
    front = [i for i in change.get("prepend", ()) if i not in current]
    back = [i for i in change.get("append", ()) if i not in current and i not in front]
    if not front and not back:
        return
    shift = len(front)
    n = len(path)
    for table in (config.locations, config.key_locations):
        moved = {p: loc for p, loc in table.items() if len(p) > n and p[:n] == path and isinstance(p[n], int)}
        for p in moved:
            del table[p]
        for p, loc in moved.items():
            table[path + (p[n] + shift,) + p[n + 1:]] = loc
    parent[path[-1]] = front + current + back
    for index in list(range(shift)) + list(range(shift + len(current), shift + len(current) + len(back))):
        config.locations[path + (index,)] = where
    config.locations.setdefault(path, where)


def service_ports(chart_version: str, values: Located | None, where: Location) -> list[ServicePort] | None:
    """The ports of the chart's Service: the enabled `ports` entries; None when a value deciding them is unknown."""
    ports = merged_values(at(facts()["ports"], chart_version), values, "ports", where).data
    if not isinstance(ports, dict):
        return None
    out = []
    for name, entry in sorted(ports.items()):
        if not isinstance(entry, dict):
            continue
        enabled = entry.get("enabled")
        numbers = (entry.get("servicePort"), entry.get("containerPort"))
        if any(is_unknown(v) for v in (enabled, *numbers, entry.get("protocol"))):
            return None
        if enabled is not True:
            continue
        if not all(isinstance(v, int) for v in numbers):
            continue
        protocol = entry.get("protocol") if isinstance(entry.get("protocol"), str) else "TCP"
        app_protocol = entry.get("appProtocol") if isinstance(entry.get("appProtocol"), str) else None
        out.append(ServicePort(str(name), numbers[0], numbers[1], protocol, app_protocol))
    return out


def has_service(chart_version: str, mode: Any, values: Located | None) -> bool | None:
    """Whether the release gets the chart's Service (None: not known before apply), as the chart
    version renders it with those switches (data: service.*)."""
    enabled = values.get(("service", "enabled")) if values is not None else None
    ingress = values.get(("ingress", "enabled")) if values is not None else None
    if is_unknown(enabled) or is_unknown(mode) or is_unknown(ingress):
        return None
    rendered = facts()["service"]
    if mode == "daemonset":
        found = at(rendered["inDaemonsetMode"], chart_version)
        if enabled is True:
            found = at(rendered["inDaemonsetModeWithServiceEnabled"], chart_version)
        if ingress is True:
            found = found or at(rendered["inDaemonsetModeWithIngress"], chart_version)
        return bool(found)
    if enabled is False:
        return bool(at(rendered["withServiceDisabled"], chart_version))
    return True


def service_name(release: str, values: Located | None) -> str | None:
    data = values.data if values is not None else {}
    if any(is_unknown(wiring.helm_value(data, key)) for key in ("fullnameOverride", "nameOverride")):
        return None
    return wiring.helm_fullname(release, CHART, data)


def receiver_ports(config: Any, ports: list[ServicePort]) -> list[wiring.ReceiverPort]:
    """The Service's ports that reach a receiver: each port's containerPort matched with the port a
    receiver used in a pipeline listens on; a Service port with no receiver behind it is left out."""
    listening = {p.port: p for p in wiring.receiver_ports(config)}
    out = []
    for port in ports:
        found = listening.get(port.target)
        if found is not None:
            out.append(wiring.ReceiverPort(found.receiver, found.protocol, port.port, found.bind_host, port.name,
                                           port.protocol, port.app_protocol or found.app_protocol))
    return out
