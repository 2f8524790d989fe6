"""Collector exporter to a backend (Tempo, Prometheus) that reaches no Service, port or receiver of it.

The backend charts name their Services after the release (Tempo: the release name when it contains
"tempo", else `<release>-tempo`; Prometheus: `<release>-server` or `<release>-prometheus-server`),
and open a receiver port only where the values ask for it: Tempo's OTLP ports come from its
receivers' endpoints (since Tempo 2.7 a receiver without one listens on localhost only), Prometheus
accepts OTLP pushes only with --web.enable-otlp-receiver (3.x), at /api/v1/otlp, over HTTP. The
exporter must name the right Service and port and speak the protocol that port serves; a near miss
names the right endpoint.

Problematic:
    exporters:
      otlp/tempo: {endpoint: "tempo.tempo.svc.cluster.local:4318"}   # OTLP/HTTP port, gRPC exporter
Correct:
    exporters:
      otlp/tempo: {endpoint: "tempo.tempo.svc.cluster.local:4317", tls: {insecure: true}}
"""

from otelstack import wiring
from otelstack.validate.finding import Problem
from otelstack.validate.rules._backends import (
    default_port, endpoint_for, exporters, in_scope, is_collector_service, known, nearest, parse_target, resolve, unknowable,
    wanted_components,
)
from otelstack.validate.rules.base import Context

ID = "wiring-backend-endpoint"
SEVERITY = "error"
GROUP = "wiring"


def check(ctx: Context):
    for exporter in exporters(ctx):
        if not known(exporter.endpoint):
            continue
        target = parse_target(exporter.endpoint)
        if target is None:
            continue  # not a URL or host:port: the collector refuses it at start (its own config check)
        found = resolve(ctx, target, exporter.collector.namespace, exporter.scope)
        if found is None:
            continue  # outside the cluster: a hosted backend
        service, namespace, owners = found
        if not owners:
            yield from _unknown_service(ctx, exporter, service, namespace)
            continue
        backend = owners[0]
        yield from _check_port(exporter, target, backend)


def _unknown_service(ctx, exporter, service, namespace):
    if is_collector_service(ctx, service, namespace) or unknowable(ctx, service, namespace, exporter.scope):
        return
    candidates = [b for c in wanted_components(exporter) for b in in_scope(ctx, exporter.scope, c)]
    if not candidates:
        return  # no backend of that kind in this tree: something outside it may own the Service
    best = nearest(candidates, service, namespace)
    better = endpoint_for(exporter, best) if best is not None else ""
    names = ", ".join(sorted({f"{b.service.name}.{b.service.namespace} ({b.title})" for b in candidates if b.service is not None}))
    yield Problem(exporter.location, f"{exporter.label}: {service}.{namespace} is not a Service any backend in the tree creates "
                                     f"(they create: {names or 'nothing otelstack can name'})",
                  f"did you mean {better}?" if better else "")


def _check_port(exporter, target, backend):
    service = backend.service
    port_number = default_port(target)
    if backend.component == "grafana":
        yield Problem(exporter.location, f"{exporter.label}: {service.name}.{service.namespace} is Grafana's Service, which receives no telemetry",
                      "send traces to Tempo and metrics to Prometheus; Grafana reads them")
        return
    if backend.component == "tempo":
        role = {"grpc": "otlp-grpc", "http": "otlp-http"}.get(exporter.protocol)
        if role is None:
            yield Problem(exporter.location, f"{exporter.label}: Tempo does not accept Prometheus remote write", "use an otlp exporter")
            return
        port = next((p for p in service.ports if p.port == port_number), None)
        if port is None:
            yield Problem(exporter.location, f"{exporter.label}: {backend.label} opens no port {port_number if port_number is not None else '(none given)'} "
                                             f"on Service {service.name}", _hint(exporter, backend, service))
        elif port.role != role:
            yield Problem(exporter.location, f"{exporter.label}: port {port.port} of {backend.label} is its {_role(port.role)}; "
                                             f"the {exporter.type} exporter speaks {_PROTOCOL[role]}", _hint(exporter, backend, service))
        elif wiring.is_loopback(port.bind_host):
            yield Problem(exporter.location, f"{exporter.label}: the {_role(role)} of {backend.label} listens on {port.bind_host}: "
                                             "the Service offers the port but nothing answers from another pod",
                          f"bind it to 0.0.0.0 (tempo.receivers.otlp.protocols.{exporter.protocol}.endpoint)")
        return
    # Prometheus: pushes arrive on its HTTP port, at the receiver's path, when its flag is set
    receiver = "remote-write" if exporter.protocol == "remote-write" else "otlp"
    if exporter.protocol == "grpc":
        yield Problem(exporter.location, f"{exporter.label}: {backend.label} accepts OTLP over HTTP only, not gRPC",
                      f"use an otlphttp exporter with endpoint {endpoint_for_http(backend)}")
        return
    if service.port("http").port != port_number:
        yield Problem(exporter.location, f"{exporter.label}: {backend.label} opens no port {port_number} on Service {service.name} "
                                         f"(it serves {service.port('http').port})", _hint(exporter, backend, service))
        return
    path = target.path.rstrip("/")
    expected = wiring.prometheus_receiver_path(receiver)
    if receiver == "otlp" and exporter.key == "metrics_endpoint":
        expected += wiring.signal_path("metrics")
    if path != expected:
        yield Problem(exporter.location, f"{exporter.label}: {backend.label} receives "
                                         f"{'OTLP' if receiver == 'otlp' else 'remote write'} at {expected}, not {path or '/'}"
                                         + (" (the exporter appends /v1/metrics)" if receiver == "otlp" and exporter.key == "endpoint" else ""),
                      _hint(exporter, backend, service))
        return
    if receiver not in service.receivers:
        flag = wiring.prometheus_receiver_flag(receiver, service.chart_version)
        where = backend.app.loc(*backend.source.base)
        yield Problem(exporter.location, f"{exporter.label}: {backend.label} does not run its {'OTLP' if receiver == 'otlp' else 'remote-write'} "
                                         f"receiver: every push gets 404",
                      f"add --{flag} (server.extraFlags) to application {backend.app.label} ({where})" if flag
                      else f"Prometheus chart {service.chart_version} runs a Prometheus without an OTLP receiver: use chart 26.0.0 or later")


def endpoint_for_http(backend) -> str:
    return backend.service.url("http", wiring.prometheus_receiver_path("otlp"))


_PROTOCOL = {"otlp-grpc": "OTLP over gRPC", "otlp-http": "OTLP over HTTP"}


def _role(role: str) -> str:
    return {"otlp-grpc": "OTLP gRPC receiver", "otlp-http": "OTLP/HTTP receiver", "api": "HTTP API (queries)", "http": "HTTP port"}.get(role, role)


def _hint(exporter, backend, service) -> str:
    better = endpoint_for(exporter, backend)
    return f"did you mean {better}? ({service.name} opens {service.describe_ports()})" if better else f"{service.name} opens {service.describe_ports()}"
