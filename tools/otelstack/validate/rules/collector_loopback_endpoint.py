"""Receiver bound to localhost/127.0.0.1: other pods cannot reach it.

The operator still opens the port on the collector's Service, so the wiring looks right, but the
collector only listens on its loopback interface and every export from Beyla or an SDK is refused.
(Since collector 0.104 an endpoint without a host also means localhost; the operator's webhook
fills `0.0.0.0` for empty otlp endpoints, but leaves explicit localhost alone.)

Problematic:
    receivers: {otlp: {protocols: {grpc: {endpoint: localhost:4317}}}}
Correct:
    receivers: {otlp: {protocols: {grpc: {endpoint: 0.0.0.0:4317}}}}
"""

from otelstack import wiring
from otelstack.validate.finding import Problem
from otelstack.validate.rules._collector import configs, defined
from otelstack.validate.rules.base import Context

ID = "collector-loopback-endpoint"
SEVERITY = "error"
GROUP = "collector"


def check(ctx: Context):
    for collector, config in configs(ctx):
        for name, settings in defined(config, "receivers").items():
            if not isinstance(settings, dict):
                continue
            endpoints = []
            if isinstance(settings.get("endpoint"), str):
                endpoints.append((("receivers", name, "endpoint"), settings["endpoint"]))
            protocols = settings.get("protocols")
            if isinstance(protocols, dict):
                for protocol, proto in protocols.items():
                    if isinstance(proto, dict) and isinstance(proto.get("endpoint"), str):
                        endpoints.append((("receivers", name, "protocols", protocol, "endpoint"), proto["endpoint"]))
            for path, endpoint in endpoints:
                parsed = wiring.parse_bind_endpoint(endpoint)
                if parsed and wiring.is_loopback(parsed[0]):
                    yield Problem(config.location(path), f"collector {collector.label}: receiver {name} listens on {endpoint}: only the collector's own pod can reach it",
                                  f"bind 0.0.0.0:{parsed[1]} (or ${{env:MY_POD_IP}}:{parsed[1]})")
