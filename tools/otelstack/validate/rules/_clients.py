"""OTLP clients in the tree: Beyla (from its Helm values) and Instrumentation resources. Shared by
the wiring-* rules: where each one sends, over which protocol, and which collector that reaches."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any, Iterator

from otelstack import wiring
from otelstack.source import Location, Unknown, is_unknown, shown
from otelstack.validate.model import Collector
from otelstack.validate.rules.base import Context

ENDPOINT_VARS = ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT")
PROTOCOL_VARS = ("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL")


@dataclass
class Client:
    what: str  # "Beyla (application beyla)" / "Instrumentation python (java)"
    kind: str  # beyla | instrumentation
    endpoint: Any
    endpoint_var: str  # OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, OTEL_EXPORTER_OTLP_ENDPOINT, spec.exporter.endpoint
    location: Location
    protocol: Any  # the protocol in effect when something states it, else None
    protocol_location: Location | None
    namespace: Any  # the client's own namespace (for short Service names)
    cluster: str = ""
    scope: tuple[str, str] = ("", "")  # (cluster, environment it was rendered for): collectors in the same scope answer it
    # Where the protocol comes from: "explicit" (an env var says it), "operator" (the operator injects it
    # for this language), "guess" (Beyla guesses it from the port), "" (an SDK default otelstack does not know).
    protocol_source: str = ""


def clients(ctx: Context) -> list[Client]:
    cached = ctx._cache.get("clients")
    if cached is None:
        cached = list(_beyla(ctx)) + list(_instrumentations(ctx))
        ctx._cache["clients"] = cached
    return cached


def _beyla(ctx: Context) -> Iterator[Client]:
    from otelstack.validate.rules._beyla import deployments

    for beyla in deployments(ctx):
        config_export = beyla.config.get(("otel_traces_export",)) if beyla.config is not None else None
        config_export = config_export if isinstance(config_export, dict) else {}
        endpoint, var, loc = None, "", None
        for name in ENDPOINT_VARS:  # Beyla's environment overrides its configuration file
            if name in beyla.env:
                (endpoint, loc), var = beyla.env[name], name
                break
        if endpoint is None and "endpoint" in config_export:
            endpoint, var, loc = config_export["endpoint"], "otel_traces_export.endpoint", beyla.config.location(("otel_traces_export", "endpoint"))
        protocol, ploc = None, None
        for name in PROTOCOL_VARS:
            if name in beyla.env:
                protocol, ploc = beyla.env[name]
                break
        if protocol is None and "protocol" in config_export:
            protocol, ploc = config_export["protocol"], beyla.config.location(("otel_traces_export", "protocol"))
        if endpoint is None:
            continue
        yield Client(f"Beyla ({beyla.what})", "beyla", endpoint, var, loc, protocol, ploc, beyla.namespace, beyla.cluster,
                     beyla.scope, "explicit" if protocol is not None else "guess")


# Instrumentation language sections, and the annotation suffix that asks for each
# (instrumentation.opentelemetry.io/inject-<suffix>).
LANGUAGES = {"java": "java", "nodejs": "nodejs", "python": "python", "dotnet": "dotnet", "go": "go",
             "apacheHttpd": "apache-httpd", "nginx": "nginx"}
INJECT_ANNOTATION = "instrumentation.opentelemetry.io/inject-"
# The protocol the operator itself injects for a language, before the resource's common env (facts.md:
# Python gets http/protobuf unless its own env says otherwise). Other languages use their SDK's default,
# which depends on the SDK version: not checked unless an env var states it.
OPERATOR_PROTOCOL = {"python": "http/protobuf"}


def _instrumentations(ctx: Context) -> Iterator[Client]:
    """One client per language an Instrumentation serves: the sections it configures and the
    languages workloads in the tree ask it for. Each language's env is injected first, then the
    resource's common env; spec.exporter.endpoint only where OTEL_EXPORTER_OTLP_ENDPOINT is still unset."""
    requested = _requested_languages(ctx)
    for obj in ctx.platform.objects_of("Instrumentation", "opentelemetry.io"):
        spec = obj.doc.get(("spec",))
        if not isinstance(spec, dict):
            continue
        languages = [lang for lang in LANGUAGES if isinstance(spec.get(lang), dict)]
        languages += [lang for lang in sorted(requested.get(id(obj), set())) if lang not in languages]
        common = _env_list(obj, ("spec", "env"))
        exporter = spec.get("exporter") if isinstance(spec.get("exporter"), dict) else {}
        # No language configured or asked for in the tree: the endpoint still serves whatever asks later.
        for language in languages or ["any language"]:
            own = _env_list(obj, ("spec", language, "env")) if language in LANGUAGES else {}
            endpoint = protocol = None
            for env in (own, common):
                for name in ENDPOINT_VARS:
                    if endpoint is None and name in env:
                        endpoint = (env[name][0], name, env[name][1])
                for name in PROTOCOL_VARS:
                    if protocol is None and name in env:
                        protocol = (env[name][0], env[name][1], "explicit")
                if env is own and protocol is None and language in OPERATOR_PROTOCOL:
                    # injected by the operator after the language's env, before the common env
                    protocol = (OPERATOR_PROTOCOL[language], obj.doc.key_location(("spec", language)), "operator")
            if endpoint is None and "endpoint" in exporter:
                endpoint = (exporter["endpoint"], "spec.exporter.endpoint", obj.doc.location(("spec", "exporter", "endpoint")))
            if endpoint is None:
                continue
            value, var, location = endpoint
            proto, ploc, source = protocol if protocol is not None else (None, None, "")
            yield Client(f"Instrumentation {shown(obj.name)} ({language})", "instrumentation", value, var, location, proto, ploc,
                         obj.namespace, obj.scope[0], obj.scope, source)


def _env_list(obj, path) -> dict[str, tuple[Any, Location]]:
    """A container-style env list as name -> (value, location); valueFrom entries are unknown values."""
    items = obj.doc.get(path)
    out = {}
    for index, item in enumerate(items if isinstance(items, list) else []):
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            value = item.get("value") if "value" in item else Unknown(f"{item['name']} from valueFrom")
            out.setdefault(item["name"], (value, obj.doc.location(path + (index, "value"))))
    return out


def _requested_languages(ctx: Context) -> dict[int, set[str]]:
    """id(Instrumentation) -> languages that annotated workloads in the tree ask it for.
    `"true"` names the single Instrumentation of the workload's namespace; a name, that one; `ns/name`, that one."""
    cached = ctx._cache.get("instrumentation-requests")
    if cached is not None:
        return cached
    suffixes = {suffix: lang for lang, suffix in LANGUAGES.items()}
    instrumentations = [o for o in ctx.platform.objects_of("Instrumentation", "opentelemetry.io")]
    by_namespace: dict[str, list] = {}
    for inst in instrumentations:
        if isinstance(inst.namespace, str):
            by_namespace.setdefault(inst.namespace, []).append(inst)
    found: dict[int, set[str]] = {}
    for obj in ctx.platform.objects:
        for annotations in _pod_annotations(obj):
            for key, value in annotations.items():
                if not (isinstance(key, str) and key.startswith(INJECT_ANNOTATION) and isinstance(value, str)):
                    continue
                language = suffixes.get(key[len(INJECT_ANNOTATION):])
                if language is None or value.strip().lower() == "false":
                    continue
                if value.strip().lower() == "true":
                    targets = by_namespace.get(obj.namespace, []) if isinstance(obj.namespace, str) else []
                    targets = targets if len(targets) == 1 else []
                else:
                    namespace, _, name = value.strip().rpartition("/")
                    targets = [i for i in instrumentations if i.name == name and i.namespace == (namespace or obj.namespace)]
                for target in targets:
                    found.setdefault(id(target), set()).add(language)
    ctx._cache["instrumentation-requests"] = found
    return found


def _pod_annotations(obj) -> Iterator[dict]:
    for path in (("metadata", "annotations"), ("spec", "template", "metadata", "annotations"),
                 ("spec", "jobTemplate", "spec", "template", "metadata", "annotations")):
        annotations = obj.doc.get(path)
        if isinstance(annotations, dict):
            yield annotations


@dataclass
class Resolution:
    target: wiring.EndpointTarget | None
    collector: Collector | None
    service_kind: str | None  # service | headless | monitoring
    port: wiring.ReceiverPort | None
    internal: bool  # the host is a cluster-internal Service name
    service: str = ""
    namespace: str = ""
    # resolved | missing (the tree declares collectors there, none has this Service) | unmodelled (a
    # Service object of the tree, in front of something otelstack does not model as a collector) |
    # namespace-unknown (a collector that could be it has no known namespace) | outside (nothing in the
    # tree is meant: a collector deployed elsewhere) | external | unparsable
    status: str = ""
    candidate: Collector | None = None  # for namespace-unknown: the collector that could be it


def resolve(ctx: Context, client: Client) -> Resolution:
    """Which collector Service (and receiver port) an endpoint reaches, if any, and when no collector
    of the tree does, whether that is a mistake or a target the tree cannot tell about."""
    target = wiring.split_endpoint(client.endpoint) if isinstance(client.endpoint, str) else None
    if target is None:
        return Resolution(None, None, None, None, False, status="unparsable")
    service, namespace, internal = _service_of(target.host, client.namespace)
    if not internal:
        return Resolution(target, None, None, None, False, status="external")
    for collector, kind in _in_scope(ctx, client, (service, namespace)):
        port = next((p for p in _ports(ctx, collector) if p.port == target.port), None)
        return Resolution(target, collector, kind, port, True, service, namespace, "resolved")
    unplaced = next((c for c in ctx.platform.collectors if not isinstance(c.namespace, str)
                     and service in c.service_names().values()), None)
    if unplaced is not None:
        return Resolution(target, None, None, None, True, service, namespace, "namespace-unknown", unplaced)
    plain = _plain_services(ctx)
    if (service, namespace) in plain or (service, None) in plain:  # (a Service without namespace: applied where its deployer says)
        return Resolution(target, None, None, None, True, service, namespace, "unmodelled")
    # A mistake about a collector of this tree: its namespace, its very Service name in another
    # namespace, or a name and a namespace close to its own. A merely similar name in another (or
    # an unknown) namespace is a collector deployed elsewhere.
    meant = any(c.namespace == namespace for c in _collectors(ctx, client)) or any(
        isinstance(c.namespace, str) and (service == name or _similar(namespace, c.namespace) and _similar(service, name))
        for c in _collectors(ctx, client) for name in c.service_names().values())
    return Resolution(target, None, None, None, True, service, namespace, "missing" if meant else "outside")


def _plain_services(ctx: Context) -> set[tuple[str, str]]:
    """(name, namespace) of the Service objects written in the tree."""
    found = ctx._cache.get("plain-services")
    if found is None:
        found = ctx._cache["plain-services"] = {(o.name, o.namespace if isinstance(o.namespace, str) else None)
                                                for o in ctx.platform.objects if o.kind == "Service" and o.api_version == "v1"}
    return found


SIMILAR = 0.75  # how close a Service name must be to a collector's to be taken for a typo of it


def _similar(a: str, b: str) -> bool:
    return difflib.SequenceMatcher(None, a, b).ratio() >= SIMILAR


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
    """The endpoint the client most likely meant: a collector of its scope in the endpoint's namespace
    or with a similar Service name, on a matching port; never the endpoint given."""
    def score(c: Collector) -> float:
        name = c.service_names().get("service", "")
        return (1.0 if resolution.service and name.startswith(resolution.service) else 0.0) + \
            difflib.SequenceMatcher(None, resolution.service, name).ratio() + (0.5 if c.namespace == resolution.namespace else 0.0)

    candidates = [c for c in _collectors(ctx, client) if isinstance(c.namespace, str) and (
        c.namespace == resolution.namespace or _similar(resolution.service, c.service_names().get("service", "")))]
    if not candidates:
        return ""
    best = max(candidates, key=score)
    ports = best.receiver_ports()
    wanted = resolution.target.port if resolution.target else None
    port = next((p for p in ports if p.port == wanted), None) or next((p for p in ports if p.protocol == "grpc"), None) or (ports[0] if ports else None)
    if port is None:
        return ""
    host = wiring.service_host(best.service_names()["service"], best.namespace)
    scheme = resolution.target.scheme if resolution.target else "http"
    path = resolution.target.path if resolution.target and port.protocol == "http" else ""
    better = f"{scheme}://{host}:{port.port}{path}"
    return "" if isinstance(client.endpoint, str) and better.rstrip("/") == client.endpoint.strip().rstrip("/") else better


def effective_protocol(client: Client, port: int | None) -> tuple[str | None, str]:
    """(protocol, how it is known): stated (explicitly or by the operator), else Beyla's guess from the
    port; (None, "") for an SDK whose default otelstack does not know."""
    if isinstance(client.protocol, str) and client.protocol:
        return client.protocol, client.protocol_source or "explicit"
    if client.protocol_source == "guess":
        return wiring.guess_protocol(port), "guess"
    return None, ""


def receiver_protocol_name(port: wiring.ReceiverPort) -> str:
    return wiring.EXPORTER_PROTOCOL.get(port.protocol, port.protocol)


def known(value: Any) -> bool:
    return value is not None and not is_unknown(value)
