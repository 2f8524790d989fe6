"""Two receivers, or a receiver and spec.ports, on the same port.

The collector fails to bind the second one ("address already in use"); the operator's Service
keeps only one port for that number (spec.ports entries win), so clients reach the wrong receiver.

Problematic:
    receivers:
      otlp: {protocols: {grpc: {endpoint: 0.0.0.0:4317}}}
      otlp/internal: {protocols: {grpc: {endpoint: 0.0.0.0:4317}}}
Correct:
      otlp/internal: {protocols: {grpc: {endpoint: 0.0.0.0:14317}}}
"""

from otelstack.validate.finding import Problem
from otelstack.validate.rules._collector import configs
from otelstack.validate.rules.base import Context

ID = "collector-duplicate-port"
SEVERITY = "error"
GROUP = "collector"


def check(ctx: Context):
    for collector, config in configs(ctx):
        seen: dict[int, str] = {}
        ports = collector.spec.get("ports")
        if isinstance(ports, list):
            for index, entry in enumerate(ports):
                if isinstance(entry, dict) and isinstance(entry.get("port"), int):
                    seen.setdefault(entry["port"], f"spec.ports[{index}]")
        for port in collector.receiver_ports():
            owner = f"receiver {port.receiver}" + (f" ({port.protocol})" if port.protocol else "")
            if port.port in seen:
                path = ("receivers", port.receiver, "protocols", port.protocol, "endpoint") if port.protocol else ("receivers", port.receiver, "endpoint")
                yield Problem(config.location(path), f"collector {collector.label}: {owner} uses port {port.port}, already used by {seen[port.port]}",
                              "give each receiver its own port")
            else:
                seen[port.port] = owner
