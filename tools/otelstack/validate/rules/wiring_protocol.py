"""OTLP protocol (explicit or guessed from the port) differs from the receiver's on that port.

Beyla takes OTEL_EXPORTER_OTLP_TRACES_PROTOCOL, else OTEL_EXPORTER_OTLP_PROTOCOL, else guesses from
the port (…4317 → grpc, anything else → http/protobuf). Python SDKs injected by the operator use
http/protobuf unless spec.python.env says otherwise. Sent to the wrong receiver, every export fails.

Problematic:
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: http://otel-collector-collector.otel.svc.cluster.local:4317
    OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: http/protobuf
Correct:
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: http://otel-collector-collector.otel.svc.cluster.local:4317
    OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: grpc
"""

from otelstack.validate.finding import Problem
from otelstack.validate.rules._clients import clients, effective_protocol, known, receiver_protocol_name, resolve
from otelstack.validate.rules.base import Context

ID = "wiring-protocol"
SEVERITY = "error"
GROUP = "wiring"


def check(ctx: Context):
    for client in clients(ctx):
        if not (known(client.endpoint) and isinstance(client.endpoint, str)) or (client.protocol is not None and not known(client.protocol)):
            continue
        resolution = resolve(ctx, client)
        if resolution.port is None:
            continue
        protocol, explicit = effective_protocol(client, resolution.target.port)
        expected = receiver_protocol_name(resolution.port)
        if protocol == expected:
            continue
        how = "set to" if explicit else "guessed from the port as"
        where = client.protocol_location if explicit and client.protocol_location else client.location
        yield Problem(where, f"{client.what}: protocol {how} {protocol}, but port {resolution.port.port} of collector "
                             f"{resolution.collector.label} is the {resolution.port.receiver} receiver's {resolution.port.protocol}",
                      f"set the protocol to {expected}" + ("" if explicit else " explicitly (OTEL_EXPORTER_OTLP_TRACES_PROTOCOL)"))
