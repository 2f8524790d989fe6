"""Collector exporter whose TLS setting does not fit the backend receiver it reaches.

The collector's gRPC client (the otlp exporter, collector 0.113) uses TLS unless `tls.insecure: true`
and for every https:// endpoint; an http:// prefix is only stripped and does not turn TLS off.
The OTLP/HTTP and remote-write clients follow the URL's scheme. Tempo's receivers and Prometheus's
HTTP port are plaintext unless their values configure TLS: a TLS client then fails every export
with a handshake error ("first record does not look like a TLS handshake"), and a plaintext client
to a TLS receiver fails the other way round.

Problematic:
    otlp/tempo: {endpoint: "tempo.tempo.svc.cluster.local:4317"}
Correct:
    otlp/tempo: {endpoint: "tempo.tempo.svc.cluster.local:4317", tls: {insecure: true}}
"""

from otelstack.validate.finding import Problem
from otelstack.validate.rules._backends import default_port, exporter_uses_tls, exporters, known, parse_target, resolve
from otelstack.validate.rules.base import Context

ID = "wiring-backend-tls"
SEVERITY = "error"
GROUP = "wiring"


def check(ctx: Context):
    for exporter in exporters(ctx):
        if not known(exporter.endpoint) or (exporter.settings.get("tls") is not None and not known(exporter.settings.get("tls"))):
            continue
        target = parse_target(exporter.endpoint)
        found = resolve(ctx, target, exporter.collector.namespace, exporter.scope) if target is not None else None
        if not found or not found[2]:
            continue
        backend = found[2][0]
        port = next((p for p in backend.service.ports if p.port == default_port(target)), None) if backend.service else None
        if port is None or backend.component == "grafana":
            continue  # no such port: wiring-backend-endpoint says so
        client_tls = exporter_uses_tls(exporter, target)
        if client_tls == port.tls:
            continue
        if client_tls:
            if target.scheme == "https":
                why = "an https:// endpoint means TLS" + (" (whatever tls.insecure says)" if exporter.protocol == "grpc" else "")
            else:
                why = "the otlp exporter uses TLS unless tls.insecure is true (an http:// prefix does not change that)"
            fix = ("set tls: {insecure: true} on the exporter" if exporter.protocol == "grpc" and target.scheme != "https"
                   else "use http:// (and tls: {insecure: true} for gRPC)")
            yield Problem(exporter.location, f"{exporter.label}: {why}, but port {port.port} of {backend.label} is plaintext: "
                                             "every export fails with a TLS handshake error", fix)
        else:
            yield Problem(exporter.location, f"{exporter.label}: sends in plaintext, but port {port.port} of {backend.label} serves TLS",
                          "drop tls.insecure and give the exporter the receiver's CA (tls.ca_file)" if exporter.protocol == "grpc"
                          else "use https:// and give the exporter the receiver's CA (tls.ca_file)")
