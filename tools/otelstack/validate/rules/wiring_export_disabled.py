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
from otelstack.validate.rules._clients import ENDPOINT_VARS
from otelstack.validate.rules.base import Context

ID = "wiring-export-disabled"
SEVERITY = "warning"
GROUP = "wiring"


def check(ctx: Context):
    for app, source in ctx.chart_sources("beyla"):
        if source.values_unknown:
            continue
        values = source.values
        data = values.data if values is not None else {}
        if any(is_unknown(v) for v in data.values()):
            continue
        env = data.get("env") if isinstance(data.get("env"), dict) else {}
        from_secret = data.get("envValueFrom") if isinstance(data.get("envValueFrom"), dict) else {}
        config = ((data.get("config") or {}).get("data") or {}) if isinstance(data.get("config"), dict) else {}
        if any(name in env or name in from_secret for name in ENDPOINT_VARS):
            continue
        if isinstance(config, dict) and (isinstance(config.get("otel_traces_export"), dict) or "grafana" in config):
            continue
        where = values.location(()) if values is not None else app.loc(*source.base)
        yield Problem(where, f"application {app.label}: Beyla has no OTLP traces endpoint: it will not export traces",
                      "set OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (and _PROTOCOL) in env, pointing at the collector's Service")
