"""Beyla without an OTLP traces endpoint: trace export is off.

Beyla enables trace export only when an endpoint is set (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
OTEL_EXPORTER_OTLP_ENDPOINT, or otel_traces_export.endpoint in its configuration).

Problematic:
    values = yamlencode({ config = { data = { discovery = { ... } } } })
Correct:
    values = yamlencode({ env = { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT = "http://otel-collector-collector.otel.svc.cluster.local:4317",
                                  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL = "grpc" } })
"""

from otelstack.source import is_unknown
from otelstack.validate.finding import Problem
from otelstack.validate.rules._beyla import deployments
from otelstack.validate.rules._clients import ENDPOINT_VARS
from otelstack.validate.rules.base import Context

ID = "wiring-export-disabled"
SEVERITY = "warning"
GROUP = "wiring"


def check(ctx: Context):
    for beyla in deployments(ctx):
        if beyla.config_unknown or any(is_unknown(value) for value, _ in beyla.env.values()):
            continue  # some of its settings are not known here
        if beyla.source is not None and beyla.source.values is not None and any(is_unknown(v) for v in beyla.source.values.data.values()):
            continue
        if any(name in beyla.env for name in ENDPOINT_VARS):
            continue
        config = beyla.config.data if beyla.config is not None else {}
        if isinstance(config.get("otel_traces_export"), dict) or "grafana" in config:
            continue
        where = beyla.source.values.location(()) if beyla.source is not None and beyla.source.values is not None else beyla.location
        yield Problem(where, f"{beyla.what}: Beyla has no OTLP traces endpoint: it will not export traces",
                      "set OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (and _PROTOCOL) in its env, pointing at the collector's Service")
