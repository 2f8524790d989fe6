"""How the OpenTelemetry Operator exposes a collector, and how clients must address it.

The one place for service names, default ports and protocol names: the renderer uses it to
derive Beyla's endpoint and the validator uses it to check hand-written ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from otelstack import resources

CLUSTER_DOMAIN = "cluster.local"
SERVICE_NAME_LIMIT = 63

# What Beyla and the OpenTelemetry SDKs call each receiver protocol (OTEL_EXPORTER_OTLP_PROTOCOL).
EXPORTER_PROTOCOL = {"grpc": "grpc", "http": "http/protobuf"}
TRACES_PATH = "/v1/traces"  # OTLP/HTTP signal path


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
    if not isinstance(config, dict):
        return []
    receivers = config.get("receivers") if isinstance(config.get("receivers"), dict) else {}
    used = _used_receivers(config)
    known = resources.data_yaml("collector", "components.yaml")["receiverPorts"]
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


def otlp_endpoint(cr_name: str, namespace: str, config: Any, receiver: str, protocol: str) -> tuple[str, ReceiverPort]:
    """The URL a client in another pod uses to reach `receiver`'s `protocol` on this collector.

    gRPC takes the bare origin; OTLP/HTTP as a *traces* endpoint takes the full signal path.
    Raises LookupError when the receiver does not listen on that protocol.
    """
    for port in receiver_ports(config):
        if port.receiver == receiver and port.protocol == protocol:
            host = service_host(collector_service_names(cr_name)["service"], namespace)
            url = f"http://{host}:{port.port}"
            return (url + TRACES_PATH if protocol == "http" else url), port
    raise LookupError(f"receiver {receiver!r} of collector {cr_name!r} has no {protocol!r} protocol used in a pipeline")


@dataclass(frozen=True)
class EndpointTarget:
    scheme: str
    host: str
    port: int | None
    path: str


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
