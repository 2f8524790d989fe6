"""OTLP clients in the tree: Beyla (from its Helm values) and Instrumentation resources. Shared by
the wiring-* rules: where each one sends, over which protocol, and which collector that reaches."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any, Iterator

from otelstack import wiring
from otelstack.source import Location, is_unknown
from otelstack.validate.model import Collector
from otelstack.validate.rules.base import Context

ENDPOINT_VARS = ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT")
PROTOCOL_VARS = ("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL")


@dataclass
class Client:
    what: str  # "Beyla (application beyla)" / "Instrumentation python"
    kind: str  # beyla | instrumentation
    endpoint: Any
    endpoint_var: str  # OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, OTEL_EXPORTER_OTLP_ENDPOINT, spec.exporter.endpoint
    location: Location
    protocol: Any  # explicit protocol, or None
    protocol_location: Location | None
    namespace: Any  # the client's own namespace (for short Service names)
    cluster: str = ""
    scope: tuple[str, str] = ("", "")  # (cluster, environment it was rendered for): collectors in the same scope answer it


def clients(ctx: Context) -> list[Client]:
    cached = ctx._cache.get("clients")
    if cached is None:
        cached = list(_beyla(ctx)) + list(_instrumentations(ctx))
        ctx._cache["clients"] = cached
    return cached


def _beyla(ctx: Context) -> Iterator[Client]:
    for app, source in ctx.chart_sources("beyla"):
        values = source.values
        if values is None:
            continue
        env = values.get(("env",))
        env = env if isinstance(env, dict) else {}
        config_export = values.get(("config", "data", "otel_traces_export"))
        config_export = config_export if isinstance(config_export, dict) else {}
        endpoint, var, loc = None, "", None
        for name in ENDPOINT_VARS:
            if name in env:
                endpoint, var, loc = env[name], name, values.location(("env", name))
                break
        if endpoint is None and "endpoint" in config_export:
            endpoint, var, loc = config_export["endpoint"], "config.data.otel_traces_export.endpoint", values.location(("config", "data", "otel_traces_export", "endpoint"))
        protocol, ploc = None, None
        for name in PROTOCOL_VARS:
            if name in env:
                protocol, ploc = env[name], values.location(("env", name))
                break
        if protocol is None and "protocol" in config_export:
            protocol, ploc = config_export["protocol"], values.location(("config", "data", "otel_traces_export", "protocol"))
        if endpoint is None:
            continue
        yield Client(f"Beyla ({app.label})", "beyla", endpoint, var, loc, protocol, ploc, app.destination_namespace, app.cluster, app.scope)


def _instrumentations(ctx: Context) -> Iterator[Client]:
    for obj in ctx.platform.objects_of("Instrumentation", "opentelemetry.io"):
        endpoint = obj.doc.get(("spec", "exporter", "endpoint"))
        if endpoint is None:
            continue
        protocol, ploc = "http/protobuf", None  # what the operator sets for Python unless overridden
        env = obj.doc.get(("spec", "python", "env"))
        if isinstance(env, list):
            for index, item in enumerate(env):
                if isinstance(item, dict) and item.get("name") in PROTOCOL_VARS and "value" in item:
                    protocol, ploc = item["value"], obj.doc.location(("spec", "python", "env", index, "value"))
        yield Client(f"Instrumentation {obj.name} (Python apps)", "instrumentation", endpoint, "spec.exporter.endpoint",
                     obj.doc.location(("spec", "exporter", "endpoint")), protocol, ploc, obj.namespace, obj.scope[0], obj.scope)


@dataclass
class Resolution:
    target: wiring.EndpointTarget | None
    collector: Collector | None
    service_kind: str | None  # service | headless | monitoring
    port: wiring.ReceiverPort | None
    internal: bool  # the host is a cluster-internal Service name
    service: str = ""
    namespace: str = ""


def resolve(ctx: Context, client: Client) -> Resolution:
    """Which collector Service (and receiver port) an endpoint reaches, if any."""
    target = wiring.split_endpoint(client.endpoint) if isinstance(client.endpoint, str) else None
    if target is None:
        return Resolution(None, None, None, None, False)
    service, namespace, internal = _service_of(target.host, client.namespace)
    if not internal:
        return Resolution(target, None, None, None, False)
    candidates = _in_scope(ctx, client, (service, namespace))
    for collector, kind in candidates:
        port = next((p for p in _ports(ctx, collector) if p.port == target.port), None)
        return Resolution(target, collector, kind, port, True, service, namespace)
    return Resolution(target, None, None, None, True, service, namespace)


def _in_scope(ctx: Context, client: Client, service: tuple[str, str]) -> list[tuple[Collector, str]]:
    """The collectors a client can reach: those of its own cluster and environment when the tree has
    several (a fleet, or environments rendered side by side); any of them otherwise."""
    found = _service_index(ctx).get(service, [])
    scoped = ctx.by_scope(f"service {service}", found, lambda pair: pair[0].obj.scopes)
    same = scoped.get(client.scope, [])
    if same or client.scope[0]:
        return same
    return found


def _service_index(ctx: Context) -> dict[tuple[str, str], list[tuple[Collector, str]]]:
    """(Service name, namespace) -> the collectors whose operator-made Services have that name."""
    index = ctx._cache.get("collector-services")
    if index is None:
        index = {}
        for collector in ctx.platform.collectors:
            if isinstance(collector.name, str) and isinstance(collector.namespace, str):
                for kind, name in collector.service_names().items():
                    index.setdefault((name, collector.namespace), []).append((collector, kind))
        ctx._cache["collector-services"] = index
    return index


def _ports(ctx: Context, collector: Collector) -> list[wiring.ReceiverPort]:
    ports = ctx._cache.setdefault("receiver-ports", {})
    if id(collector) not in ports:
        ports[id(collector)] = collector.receiver_ports()
    return ports[id(collector)]


def _collectors(ctx: Context, client: Client) -> list[Collector]:
    found = [c for c in ctx.platform.collectors if isinstance(c.name, str)]
    same = ctx.by_scope("collectors", found, lambda c: c.obj.scopes).get(client.scope, [])
    return same or found


def _service_of(host: str, own_namespace: Any) -> tuple[str, str, bool]:
    parts = host.split(".")
    if host.endswith(".svc.cluster.local") and len(parts) == 5:
        return parts[0], parts[1], True
    if host.endswith(".svc") and len(parts) == 3:
        return parts[0], parts[1], True
    if len(parts) == 2 and parts[1] not in ("com", "io", "net", "org", "dev", "local", "internal"):
        return parts[0], parts[1], True
    if len(parts) == 1 and isinstance(own_namespace, str):
        return parts[0], own_namespace, True
    return "", "", False


service_of = _service_of  # (Service, namespace, cluster-internal) of a host name; shared with the backend rules


def suggestion(ctx: Context, client: Client, resolution: Resolution) -> str:
    """The endpoint the client most likely meant: the nearest collector's Service on a matching port."""
    collectors = _collectors(ctx, client)
    if not collectors:
        return ""
    def score(c: Collector) -> float:
        name_score = difflib.SequenceMatcher(None, resolution.service, c.service_names().get("service", "")).ratio()
        prefix = 1.0 if resolution.service and c.service_names().get("service", "").startswith(resolution.service) else 0.0
        same_ns = 0.5 if c.namespace == resolution.namespace else 0.0
        return prefix + name_score + same_ns
    best = max(collectors, key=score)
    ports = best.receiver_ports()
    wanted = resolution.target.port if resolution.target else None
    port = next((p for p in ports if p.port == wanted), None) or next((p for p in ports if p.protocol == "grpc"), None) or (ports[0] if ports else None)
    if port is None or not isinstance(best.namespace, str):
        return ""
    host = wiring.service_host(best.service_names()["service"], best.namespace)
    scheme = resolution.target.scheme if resolution.target else "http"
    path = resolution.target.path if resolution.target and port.protocol == "http" else ""
    return f"{scheme}://{host}:{port.port}{path}"


def effective_protocol(client: Client, port: int | None) -> tuple[str, bool]:
    """(protocol, explicit): explicit setting, else Beyla's guess from the port."""
    if isinstance(client.protocol, str) and client.protocol:
        return client.protocol, True
    return wiring.guess_protocol(port), False


def receiver_protocol_name(port: wiring.ReceiverPort) -> str:
    return wiring.EXPORTER_PROTOCOL.get(port.protocol, port.protocol)


def known(value: Any) -> bool:
    return value is not None and not is_unknown(value)
