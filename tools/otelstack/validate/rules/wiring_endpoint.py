"""OTLP endpoint of Beyla or an Instrumentation that reaches no collector Service and receiver port.

The operator names a collector's Services `<name>-collector` (and `-headless`, `-monitoring`), in the
collector's namespace; the opentelemetry-collector chart names its Service after the release (its
fullname: `<release>-opentelemetry-collector` unless the release name contains the chart name, or
nameOverride/fullnameOverride say otherwise). An endpoint must name one of them, on a port a
receiver of that collector opens; Beyla also refuses an endpoint without a scheme and host. A near
miss names the right one.

Problematic:
    env:
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: http://otel-collector.otel.svc.cluster.local:4317
Correct:
    env:
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: http://otel-collector-collector.otel.svc.cluster.local:4317
"""

import dataclasses

from otelstack.validate.finding import Problem
from otelstack.validate.rules._clients import clients, known, resolve, suggestion
from otelstack.validate.rules.base import Context

ID = "wiring-endpoint"
SEVERITY = "error"
GROUP = "wiring"


def check(ctx: Context):
    for client in clients(ctx):
        if not known(client.endpoint):
            continue
        if not isinstance(client.endpoint, str):
            yield Problem(client.location, f"{client.what}: {client.endpoint_var} must be a URL string")
            continue
        resolution = resolve(ctx, client)
        if resolution.target is None:
            yield Problem(client.location, f"{client.what}: {client.endpoint_var} {client.endpoint!r} has no scheme and host: Beyla refuses to start",
                          _did_you_mean(ctx, client, resolution, "write it as a URL, e.g. http://<service>.<namespace>.svc.cluster.local:4317"))
            continue
        if resolution.status != "resolved" and resolution.status != "missing":
            continue  # external, or a target the tree cannot tell about (wiring-not-checked says so)
        if resolution.collector is None:
            yield Problem(client.location,
                          f"{client.what}: {resolution.target.host} is not the Service of any collector in the tree "
                          f"(the operator gives a collector named N the Service N-collector; the opentelemetry-collector chart, "
                          f"<release>-opentelemetry-collector)", _did_you_mean(ctx, client, resolution, ""))
            continue
        if resolution.service_kind == "monitoring":
            yield Problem(client.location, f"{client.what}: {resolution.service} is the collector's monitoring Service (its own metrics), not OTLP",
                          _did_you_mean(ctx, client, resolution, ""))
            continue
        if resolution.port is None:
            listening = ", ".join(f"{p.port} ({p.receiver} {p.protocol})".replace(" )", ")") for p in resolution.collector.receiver_ports()) or "none"
            port = resolution.target.port if resolution.target.port is not None else "the scheme's default port"
            yield Problem(client.location, f"{client.what}: collector {resolution.collector.label} opens no receiver port {port}",
                          f"its receivers in pipelines listen on: {listening}")


def _did_you_mean(ctx, client, resolution, fallback: str) -> str:
    if resolution.target is None and isinstance(client.endpoint, str):
        # "host:port" without a scheme: resolve it as a URL to suggest the full one
        resolution = resolve(ctx, dataclasses.replace(client, endpoint="http://" + client.endpoint.strip()))
    better = suggestion(ctx, client, resolution)
    return f"did you mean {better}?" if better else fallback
