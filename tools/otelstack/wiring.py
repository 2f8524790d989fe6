"""How the OpenTelemetry Operator exposes a collector, how the backend charts (Tempo, Prometheus,
Grafana) expose theirs, and how clients must address them.

The one place for service names, default ports and protocol names: the renderer uses it to
derive Beyla's and the collector's endpoints and Grafana's datasources, and the validator uses it
to check hand-written ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from otelstack import resources
from otelstack.memo import ContentCache
from otelstack.source import is_unknown

CLUSTER_DOMAIN = "cluster.local"
SERVICE_NAME_LIMIT = 63

# What Beyla and the OpenTelemetry SDKs call each receiver protocol (OTEL_EXPORTER_OTLP_PROTOCOL).
EXPORTER_PROTOCOL = {"grpc": "grpc", "http": "http/protobuf"}
TRACES_PATH = "/v1/traces"  # OTLP/HTTP signal path


def signal_path(signal: str) -> str:
    """OTLP/HTTP path of a signal: /v1/traces, /v1/metrics, /v1/logs."""
    return f"/v1/{signal}"


def collector_service_names(cr_name: str) -> dict[str, str]:
    """Services the operator creates for an OpenTelemetryCollector named `cr_name`, in every mode."""
    base = f"{cr_name}-collector"
    return {
        "service": base[:SERVICE_NAME_LIMIT],
        "headless": f"{base}-headless"[:SERVICE_NAME_LIMIT],
        "monitoring": f"{base}-monitoring"[:SERVICE_NAME_LIMIT],
    }


def collector_workload(cr_name: str, mode: str) -> tuple[str, str]:
    """(kind, name) of what the operator runs for a collector: `<name>-collector` in every mode but sidecar."""
    kind = {"daemonset": "daemonset", "statefulset": "statefulset"}.get(mode or "deployment", "deployment")
    return kind, f"{cr_name}-collector"[:SERVICE_NAME_LIMIT]


def collector_pod_selector(cr_name: str, namespace: str) -> str:
    """Label selector of a collector's pods (the operator's selector labels)."""
    return f"app.kubernetes.io/component=opentelemetry-collector,app.kubernetes.io/instance={namespace}.{cr_name}"[:200]


COLLECTOR_CONTAINER = "otc-container"


def service_host(service: str, namespace: str, domain: str = CLUSTER_DOMAIN) -> str:
    return f"{service}.{namespace}.svc.{domain}"


@dataclass(frozen=True)
class ReceiverPort:
    receiver: str  # component id, e.g. "otlp" or "otlp/internal"
    protocol: str  # receiver protocol key: grpc, http, thrift_http, "" for single-protocol receivers
    port: int
    bind_host: str  # "" when the endpoint has no host part
    name: str
    transport: str = "TCP"
    app_protocol: str | None = None


_ENDPOINT = re.compile(r"^(?P<host>\[[^\]]*\]|[^:]*)?:(?P<port>\d+)$")


def parse_bind_endpoint(endpoint: Any) -> tuple[str, int | None] | None:
    """'0.0.0.0:4317' -> ('0.0.0.0', 4317); ':4317' -> ('', 4317); None for unparsable text."""
    if not isinstance(endpoint, str):
        return None
    match = _ENDPOINT.match(endpoint.strip())
    if not match:
        return None
    return (match.group("host") or "").strip("[]"), int(match.group("port"))


def receiver_type(component_id: str) -> str:
    return component_id.split("/", 1)[0]


def _port_name(component_id: str, suffix: str) -> str:
    base = component_id.replace("/", "-").replace("_", "-")
    return f"{base}-{suffix}" if suffix and not base.endswith(suffix) else base


def receiver_ports(config: Any) -> list[ReceiverPort]:
    """Ports the operator opens on `<name>-collector` for the receivers used in a pipeline."""
    return list(_PORTS.get((), config, lambda: _receiver_ports(config)))


_PORTS = ContentCache()  # a fleet's collectors share a few configurations


def _receiver_ports(config: Any) -> list[ReceiverPort]:
    if not isinstance(config, dict):
        return []
    receivers = config.get("receivers") if isinstance(config.get("receivers"), dict) else {}
    used = _used_receivers(config)
    known = resources.data_yaml("operator", "receiver-ports.yaml")["receiverPorts"]
    ports: list[ReceiverPort] = []
    for component_id in sorted(used):
        settings = receivers.get(component_id)
        settings = settings if isinstance(settings, dict) else {}
        defaults = known.get(receiver_type(component_id))
        if defaults and "" not in defaults:
            protocols = settings.get("protocols") if isinstance(settings.get("protocols"), dict) else {}
            for protocol, proto_settings in sorted(protocols.items()):
                default = defaults.get(protocol)
                endpoint = (proto_settings or {}).get("endpoint") if isinstance(proto_settings, dict) else None
                parsed = parse_bind_endpoint(endpoint)
                if parsed and parsed[1]:
                    host, port = parsed
                elif default:
                    host, port = ("" if endpoint is None else str(endpoint)), default["port"]
                else:
                    continue
                ports.append(
                    ReceiverPort(
                        component_id, protocol, port, host,
                        _port_name(component_id, protocol.replace("_", "-")) if default is None else _port_name(component_id, default["name"].split("-", 1)[-1]),
                        (default or {}).get("protocol", "TCP"), (default or {}).get("appProtocol"),
                    )
                )
        else:
            endpoint = settings.get("endpoint")
            parsed = parse_bind_endpoint(endpoint)
            default = (defaults or {}).get("")
            if parsed and parsed[1]:
                host, port = parsed
            elif default:
                host, port = "", default["port"]
            else:
                continue
            ports.append(ReceiverPort(component_id, "", port, host, _port_name(component_id, ""), (default or {}).get("protocol", "TCP"), (default or {}).get("appProtocol")))
    return ports


def _used_receivers(config: dict) -> set[str]:
    service = config.get("service") if isinstance(config.get("service"), dict) else {}
    pipelines = service.get("pipelines") if isinstance(service.get("pipelines"), dict) else {}
    used: set[str] = set()
    for pipeline in pipelines.values():
        if isinstance(pipeline, dict) and isinstance(pipeline.get("receivers"), list):
            used.update(r for r in pipeline["receivers"] if isinstance(r, str))
    return used


def is_loopback(host: str) -> bool:
    return host in ("localhost", "127.0.0.1", "::1") or host.startswith("127.")


def otlp_endpoint(cr_name: str, namespace: str, config: Any, receiver: str, protocol: str, signal: str = "traces") -> tuple[str, ReceiverPort]:
    """The URL a client in another pod uses to reach `receiver`'s `protocol` on this collector.

    gRPC takes the bare origin; OTLP/HTTP as a signal's own endpoint takes the full signal path.
    Raises LookupError when the receiver does not listen on that protocol.
    """
    for port in receiver_ports(config):
        if port.receiver == receiver and port.protocol == protocol:
            host = service_host(collector_service_names(cr_name)["service"], namespace)
            url = f"http://{host}:{port.port}"
            return (url + signal_path(signal) if protocol == "http" else url), port
    raise LookupError(f"receiver {receiver!r} of collector {cr_name!r} has no {protocol!r} protocol used in a pipeline")


@dataclass(frozen=True)
class EndpointTarget:
    scheme: str
    host: str
    port: int | None
    path: str


@lru_cache(maxsize=4096)  # a fleet's clients name the same few endpoints
def split_endpoint(url: str) -> EndpointTarget | None:
    """Parse an exporter endpoint URL; None when it has no scheme or host (which Beyla refuses)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if not parts.scheme or not parts.hostname or "://" not in url:
        return None
    return EndpointTarget(parts.scheme, parts.hostname, port, parts.path)


def guess_protocol(port: int | None) -> str:
    """Beyla's guess when no protocol is set: ...4317 -> grpc, anything else -> http/protobuf."""
    return "grpc" if port is not None and str(port).endswith("4317") else "http/protobuf"


# Backends ---------------------------------------------------------------------------------------
# The Services the backend charts create, from the release name, the chart version and the Helm
# values (chart defaults for what the values leave out), with each chart version's facts in
# data/charts/<chart>.yaml. None wherever a value that decides a name or port is unknown.

BACKEND_COMPONENTS = ("tempo", "prometheus", "grafana")  # component = chart name
OTLP_EXPORTER = {"grpc": "otlp", "http": "otlphttp"}  # collector exporter type per OTLP protocol (collector 0.113)

# The collector's own metrics: served on localhost:8888 since collector 0.111 (not reachable from
# another pod), so the collector scrapes itself and pushes them with the rest.
COLLECTOR_OWN_METRICS = "localhost:8888"
# What Prometheus's OTLP receiver makes of Beyla's HTTP server histogram (http.server.request.duration,
# seconds) with translation_strategy UnderscoreEscapingWithSuffixes (Prometheus 3.x's default, rendered
# explicitly), and the resource attributes it is told to promote to labels (service.name -> service_name).
BEYLA_HTTP_SERVER_DURATION = "http_server_request_duration_seconds"
PROMETHEUS_TRANSLATION = "UnderscoreEscapingWithSuffixes"
PROMOTED_RESOURCE_ATTRIBUTES = ("service.name", "service.namespace")


def prometheus_label(attribute: str) -> str:
    """An OTLP attribute name as a Prometheus label under underscore escaping: service.name -> service_name."""
    return re.sub(r"[^A-Za-z0-9_]", "_", attribute)
_REMOVED = object()  # a Helm value set to null: the key is gone from the merged values


@dataclass(frozen=True)
class BackendPort:
    port: int
    role: str  # otlp-grpc, otlp-http (Tempo receivers), api (Tempo's HTTP API), http (Prometheus, Grafana)
    tls: bool = False  # the receiver serves TLS
    bind_host: str = ""  # a receiver's endpoint host


@dataclass(frozen=True)
class BackendService:
    component: str  # tempo | prometheus | grafana
    name: str
    namespace: str
    ports: tuple[BackendPort, ...]
    receivers: frozenset[str] = frozenset()  # Prometheus: the push receivers its flags enable (otlp, remote-write)
    chart_version: str = ""

    @property
    def host(self) -> str:
        return service_host(self.name, self.namespace)

    def port(self, role: str) -> BackendPort | None:
        return next((p for p in self.ports if p.role == role), None)

    def url(self, role: str, path: str = "") -> str:
        port = self.port(role)
        if port is None:
            raise LookupError(f"{self.component} Service {self.name} has no {role} port")
        return f"{'https' if port.tls else 'http'}://{self.host}:{port.port}{path}"

    def describe_ports(self) -> str:
        return ", ".join(f"{p.port} ({p.role}{', TLS' if p.tls else ''})" for p in self.ports) or "none"


def helm_value(values: Any, dotted: str, default: Any = None) -> Any:
    """A Helm value by dotted path, `default` when absent, _REMOVED when set to null (Helm then
    drops the chart's default too), an Unknown when it cannot be known before apply."""
    node = values
    for part in dotted.split("."):
        if is_unknown(node):
            return node
        if not isinstance(node, dict) or part not in node:
            return default
        node = node[part]
    return _REMOVED if node is None else node


def helm_fullname(release: str, chart: str, values: Any = None) -> str:
    """The usual Helm `<chart>.fullname` helper: fullnameOverride; else the release name when it
    contains the chart name (or nameOverride); else `<release>-<name>`; cut to 63, no trailing '-'."""
    override = helm_value(values, "fullnameOverride")
    if isinstance(override, str) and override:
        return override[:SERVICE_NAME_LIMIT].rstrip("-")
    name = helm_value(values, "nameOverride")
    name = name if isinstance(name, str) and name else chart
    full = release if name in release else f"{release}-{name}"
    return full[:SERVICE_NAME_LIMIT].rstrip("-")


def _versioned(entries: list[dict], chart_version: str) -> Any:
    from otelstack import versions

    for entry in entries or []:
        if versions.in_range(chart_version, entry.get("since"), entry.get("until")) is not False:
            return entry.get("value")
    return None


def _knowable(*values: Any) -> bool:
    return not any(is_unknown(v) for v in values)


def backend_service(component: str, release: Any, namespace: Any, chart_version: Any, values: Any) -> BackendService | None:
    """The Service a backend chart release creates, or None when otelstack cannot know it (a
    version without Service facts, a name or port only known at apply time)."""
    from otelstack import charts, versions

    if not (isinstance(release, str) and isinstance(namespace, str) and isinstance(chart_version, str)):
        return None
    knowledge = charts.by_name(component)
    facts = knowledge.data.get("service") or {}
    if versions.at_least(chart_version, str(facts.get("since", "0.0.0"))) is not True:
        return None
    values = values if isinstance(values, dict) else {}
    if not _knowable(helm_value(values, "fullnameOverride"), helm_value(values, "nameOverride")):
        return None
    build = {"tempo": _tempo, "prometheus": _prometheus, "grafana": _grafana}[component]
    return build(knowledge, facts, release, namespace, chart_version, values)


def _default(knowledge: Any, key: str, chart_version: str) -> Any:
    return knowledge.default(key, chart_version)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _tempo(knowledge, facts, release, namespace, chart_version, values) -> BackendService | None:
    from otelstack import versions

    api = _versioned(facts.get("apiPort"), chart_version)
    ports = [BackendPort(int(api), "api")]
    from_endpoints = versions.at_least(chart_version, str(facts.get("otlpPortsFromEndpoints"))) is True
    receivers = helm_value(values, facts["receivers"], {})
    if not _knowable(receivers):
        return None
    for protocol, role, fixed in (("grpc", "otlp-grpc", 4317), ("http", "otlp-http", 4318)):
        settings = helm_value(values, f"{facts['receivers']}.{protocol}", {})
        endpoint = helm_value(values, f"{facts['receivers']}.{protocol}.endpoint")
        if endpoint is None:
            endpoint = _default(knowledge, f"{facts['receivers']}.{protocol}.endpoint", chart_version)
        if not _knowable(settings, endpoint):
            return None
        if settings is _REMOVED:
            continue  # the receiver itself is removed
        tls = isinstance(settings, dict) and isinstance(settings.get("tls"), dict) and bool(settings["tls"])
        if endpoint is _REMOVED or not isinstance(endpoint, str) or not endpoint:
            if not from_endpoints:
                ports.append(BackendPort(fixed, role, tls))
            continue  # no Service port (and Tempo 2.7 and later listen on localhost only)
        host, _, port = endpoint.rpartition(":")
        port_number = fixed if not from_endpoints else _int(port)  # the chart takes the text after the last ':'
        if port_number is None:
            return None
        ports.append(BackendPort(port_number, role, tls, host.strip("[]")))
    return BackendService("tempo", helm_fullname(release, "tempo", values), namespace, tuple(ports), chart_version=chart_version)


def _grafana(knowledge, facts, release, namespace, chart_version, values) -> BackendService | None:
    port = helm_value(values, facts["port"], _default(knowledge, facts["port"], chart_version))
    if not _knowable(port) or _int(port) is None:
        return None
    return BackendService("grafana", helm_fullname(release, "grafana", values), namespace, (BackendPort(int(port), "http"),),
                          chart_version=chart_version)


def prometheus_server_name(release: str, values: Any, server_name: str = "server") -> str:
    override = helm_value(values, "server.fullnameOverride")
    if isinstance(override, str) and override:
        return override[:SERVICE_NAME_LIMIT].rstrip("-")
    name = helm_value(values, "nameOverride")
    name = name if isinstance(name, str) and name else "prometheus"
    full = f"{release}-{server_name}" if name in release else f"{release}-{name}-{server_name}"
    return full[:SERVICE_NAME_LIMIT].rstrip("-")


def prometheus_flags(values: Any, default_flags: list[str]) -> set[str] | None:
    """The flags the chart renders for the server (without the leading --), None when unknown."""
    flags = helm_value(values, "server.extraFlags", default_flags)
    args = helm_value(values, "server.extraArgs", {})
    if not _knowable(flags, args) or (isinstance(flags, list) and not all(isinstance(f, str) for f in flags)):
        return None
    rendered = set(flags) if isinstance(flags, list) else set()
    for key, value in (args.items() if isinstance(args, dict) else ()):
        if value is None:
            continue  # null: Helm drops the entry
        if is_unknown(value):
            return None
        rendered.add(f"{key}={value}" if value not in ("", False) else str(key))
    features = [f.partition("=")[2] for f in rendered if f.startswith("enable-feature=")]
    rendered |= {f"enable-feature={one.strip()}" for feature in features for one in feature.split(",")}
    return rendered


def prometheus_receiver_flag(receiver: str, chart_version: str) -> str | None:
    """The flag that turns on a push receiver (otlp, remote-write) in the Prometheus this chart runs."""
    from otelstack import charts

    facts = charts.by_name("prometheus").data["receivers"][receiver]
    return _versioned(facts["flags"], chart_version)


def _prometheus(knowledge, facts, release, namespace, chart_version, values) -> BackendService | None:
    server_name = helm_value(values, "server.name", _default(knowledge, "server.name", chart_version))
    port = helm_value(values, facts["port"], _default(knowledge, facts["port"], chart_version))
    if not _knowable(server_name, port, helm_value(values, "server.fullnameOverride")) or _int(port) is None:
        return None
    flags = prometheus_flags(values, _default(knowledge, "server.extraFlags", chart_version) or [])
    if flags is None:
        return None
    receivers = frozenset(r for r in knowledge.data["receivers"] if prometheus_receiver_flag(r, chart_version) in flags)
    name = prometheus_server_name(release, values, server_name if isinstance(server_name, str) else "server")
    return BackendService("prometheus", name, namespace, (BackendPort(int(port), "http"),), receivers, chart_version)


def prometheus_receiver_path(receiver: str) -> str:
    from otelstack import charts

    return charts.by_name("prometheus").data["receivers"][receiver]["path"]
