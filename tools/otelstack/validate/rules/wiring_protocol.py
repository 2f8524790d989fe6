"""OTLP protocol (explicit or guessed from the port) differs from the receiver's on that port.

Beyla takes OTEL_EXPORTER_OTLP_TRACES_PROTOCOL, else OTEL_EXPORTER_OTLP_PROTOCOL, else guesses from
the port (…4317 → grpc, anything else → http/protobuf). For an Instrumentation, each language it
serves (its sections, and the `inject-<language>` annotations of workloads in the tree) is checked
with its own effective protocol: its env, the operator's injected default (Python: http/protobuf),
then the resource's common env; a language left to its SDK's default is not checked (the default
depends on the SDK version). Sent to the wrong receiver, every export fails.

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
        protocol, how = effective_protocol(client, resolution.target.port)
        expected = receiver_protocol_name(resolution.port)
        if protocol is None or protocol == expected:
            continue  # a protocol nothing states (an SDK's own default) is not guessed
        said = {"explicit": "set to", "operator": "set by the operator to", "guess": "guessed from the port as"}[how]
        where = client.protocol_location if how == "explicit" and client.protocol_location else client.location
        hint = f"set the protocol to {expected}" + {"explicit": "", "guess": " explicitly (OTEL_EXPORTER_OTLP_TRACES_PROTOCOL)",
                                                    "operator": " in the language's env (OTEL_EXPORTER_OTLP_PROTOCOL), or send to the receiver's "
                                                                f"{protocol} port"}[how]
        yield Problem(where, f"{client.what}: protocol {said} {protocol}, but port {resolution.port.port} of collector "
                             f"{resolution.collector.label} is the {resolution.port.receiver} receiver's {resolution.port.protocol}", hint)
