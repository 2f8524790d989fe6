"""OTLP/HTTP endpoint path that leads to 404: doubled /v1/traces, or a traces endpoint without it.

With the common OTEL_EXPORTER_OTLP_ENDPOINT Beyla appends /v1/traces; an endpoint that already ends
in /v1/traces risks /v1/traces/v1/traces (404; Beyla 2.x trims it, older versions do not). With
OTEL_EXPORTER_OTLP_TRACES_ENDPOINT the path is used as given, so it must end in /v1/traces.
(gRPC ignores the path.)

Problematic:
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: http://otel-collector-collector.otel.svc.cluster.local:4318
    OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: http/protobuf
Correct:
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: http://otel-collector-collector.otel.svc.cluster.local:4318/v1/traces
    OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: http/protobuf
"""

from otelstack import wiring
from otelstack.validate.finding import Problem
from otelstack.validate.rules._clients import clients, effective_protocol, known
from otelstack.validate.rules.base import Context

ID = "wiring-http-path"
SEVERITY = "warning"
GROUP = "wiring"


def check(ctx: Context):
    for client in clients(ctx):
        if client.kind != "beyla" or not (known(client.endpoint) and isinstance(client.endpoint, str)):
            continue
        target = wiring.split_endpoint(client.endpoint)
        if target is None:
            continue
        protocol, _ = effective_protocol(client, target.port)
        if protocol in ("grpc", None):
            continue
        path = target.path.rstrip("/")
        if client.endpoint_var == "OTEL_EXPORTER_OTLP_ENDPOINT" and path.endswith(wiring.TRACES_PATH):
            yield Problem(client.location, f"{client.what}: OTEL_EXPORTER_OTLP_ENDPOINT already ends in {wiring.TRACES_PATH}; Beyla appends it again",
                          "drop the path, or use OTEL_EXPORTER_OTLP_TRACES_ENDPOINT with the full path")
        elif client.endpoint_var == "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT" and not path.endswith(wiring.TRACES_PATH):
            yield Problem(client.location, f"{client.what}: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is used as given: spans are posted to {path or '/'} , not {wiring.TRACES_PATH}",
                          f"end it in {wiring.TRACES_PATH}")
