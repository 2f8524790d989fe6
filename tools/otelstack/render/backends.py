"""The backends as stack components: Tempo (traces), Prometheus (metrics), Grafana (both), and a
hosted OTLP endpoint. Their Helm values, and what turning one on changes elsewhere: the
collector's exporters, pipelines and env, Beyla's metrics export, Grafana's datasources.

Every address is derived from the backend's own section through wiring.py (Service names and ports
per chart version), the way Beyla's endpoint is derived from the collector: nothing is typed twice.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from otelstack import charts, versions, wiring
from otelstack.stack.model import Stack

# Collector component ids otelstack adds; a stack that defines one itself is refused (semantics).
SELF_METRICS_RECEIVER = "prometheus/collector"
PROMETHEUS_EXPORTER = "otlphttp/prometheus"
METRICS_PIPELINE = "metrics"
HOSTED_ENV_PREFIX = "OTELSTACK_HOSTED_"
DATASOURCES_FILE = "datasources.yaml"
TEMPO_UID, PROMETHEUS_UID = "tempo", "prometheus"
GRAFANA_ADMIN_KEYS = ("admin-user", "admin-password")  # what the chart reads from admin.existingSecret by default


def tempo_exporter_id(stack: Stack) -> str:
    return f"{wiring.OTLP_EXPORTER[tempo_protocol(stack)]}/tempo"


def hosted_exporter_id(stack: Stack) -> str:
    return f"{wiring.OTLP_EXPORTER[stack.hosted_backend['protocol']]}/hosted"


def tempo_protocol(stack: Stack) -> str:
    return (stack.backend("tempo") or {}).get("protocol", "grpc")


def generated_components(stack: Stack) -> dict[str, list[str]]:
    """Collector components this stack's backends add, by config section."""
    found: dict[str, list[str]] = {"receivers": [], "exporters": []}
    if stack.backend("tempo"):
        found["exporters"].append(tempo_exporter_id(stack))
    if stack.backend("prometheus"):
        found["exporters"].append(PROMETHEUS_EXPORTER)
        found["receivers"].append(SELF_METRICS_RECEIVER)
    if stack.hosted_backend:
        found["exporters"].append(hosted_exporter_id(stack))
    return found


def exports_metrics(stack: Stack) -> bool:
    """Whether the collector forwards metrics anywhere (then Beyla sends them too)."""
    hosted = stack.hosted_backend
    return bool(stack.backend("prometheus") or (hosted and "metrics" in hosted["signals"]))


# Helm values of the backend charts --------------------------------------------------------------


def chart_values(stack: Stack, component: str) -> dict:
    """What otelstack sets in a backend chart (the section's own `values` are merged over it)."""
    if component == "tempo":
        # Explicit receiver endpoints: since Tempo 2.7 a receiver without one listens on localhost only.
        protocols = {p: {"endpoint": charts.by_name("tempo").default(f"tempo.receivers.otlp.protocols.{p}.endpoint", _version(stack, "tempo"))}
                     for p in ("grpc", "http")}
        return {"tempo": {"receivers": {"otlp": {"protocols": protocols}}}}
    if component == "prometheus":
        version = _version(stack, "prometheus")
        flags = list(charts.by_name("prometheus").default("server.extraFlags", version) or [])
        flags.append(wiring.prometheus_receiver_flag("otlp", version))
        return {"server": {
            "extraFlags": flags,
            "otlp": {"promote_resource_attributes": list(wiring.PROMOTED_RESOURCE_ATTRIBUTES),
                     "translation_strategy": wiring.PROMETHEUS_TRANSLATION},
        }}
    raise KeyError(component)


def final_values(stack: Stack, component: str, generated: dict | None = None) -> dict:
    from otelstack.render.compose import helm_values

    return helm_values(stack, component, chart_values(stack, component) if generated is None else generated)


def service(stack: Stack, component: str, values: dict | None = None) -> wiring.BackendService | None:
    """The Service an enabled backend's release creates, from its final Helm values."""
    section = stack.backend(component)
    if section is None:
        return None
    if values is None:
        values = final_values(stack, component, grafana_base_values(stack) if component == "grafana" else None)
    return wiring.backend_service(component, section["release"], section["namespace"], section["chart"]["version"], values)


def _version(stack: Stack, component: str) -> str:
    return str(stack.data[component]["chart"]["version"])


# The collector ------------------------------------------------------------------------------------


def collector_section(stack: Stack, services: dict[str, wiring.BackendService]) -> dict:
    """The stack's collector with what the enabled backends need: exporters to their Services, those
    exporters in the traces / metrics pipelines, the collector scraping its own metrics, and env
    entries that read a hosted backend's headers from its Secret."""
    collector = copy.deepcopy(stack.collector)
    config = collector["config"]
    exporters, receivers = config["exporters"], config["receivers"]
    by_signal: dict[str, list[str]] = {"traces": [], "metrics": []}
    tempo = services.get("tempo")
    if tempo is not None:
        exporter = tempo_exporter_id(stack)
        exporters[exporter] = tempo_exporter(tempo, tempo_protocol(stack))
        by_signal["traces"].append(exporter)
    prometheus = services.get("prometheus")
    if prometheus is not None:
        exporters[PROMETHEUS_EXPORTER] = {"endpoint": prometheus.url("http", wiring.prometheus_receiver_path("otlp"))}
        by_signal["metrics"].append(PROMETHEUS_EXPORTER)
    hosted = stack.hosted_backend
    if hosted:
        exporter = hosted_exporter_id(stack)
        exporters[exporter], env = hosted_exporter(hosted)
        if env:
            collector["env"] = env
        for signal in hosted["signals"]:
            by_signal[signal].append(exporter)
    pipelines = config["service"]["pipelines"]
    for name, pipeline in pipelines.items():
        signal = name.split("/", 1)[0]
        if by_signal.get(signal):
            pipeline["exporters"] = list(pipeline["exporters"]) + by_signal[signal]
    if by_signal["metrics"]:
        receivers[SELF_METRICS_RECEIVER] = {"config": {"scrape_configs": [{
            "job_name": "otel-collector", "scrape_interval": "30s", "static_configs": [{"targets": [wiring.COLLECTOR_OWN_METRICS]}]}]}}
        metrics = [pipelines[n] for n in pipelines if n.split("/", 1)[0] == "metrics"]
        if metrics:
            target = pipelines.get(METRICS_PIPELINE) or metrics[0]
            target["receivers"] = list(target["receivers"]) + [SELF_METRICS_RECEIVER]
        else:
            pipelines[METRICS_PIPELINE] = {
                "receivers": [stack.beyla["export"]["receiver"], SELF_METRICS_RECEIVER],
                "processors": ["batch"] if "batch" in (config.get("processors") or {}) else [],
                "exporters": by_signal["metrics"],
            }
    return collector


def tempo_exporter(tempo: wiring.BackendService, protocol: str) -> dict:
    """gRPC: host:port, and `tls.insecure: true` because the collector's gRPC client uses TLS unless
    told otherwise (an `http://` prefix does not turn it off in collector 0.113) while Tempo's receiver
    is plaintext. OTLP/HTTP: the scheme decides, and the exporter appends /v1/traces."""
    port = tempo.port(f"otlp-{protocol}")
    if protocol == "grpc":
        return {"endpoint": f"{tempo.host}:{port.port}", "tls": {"insecure": not port.tls}}
    return {"endpoint": f"{'https' if port.tls else 'http'}://{tempo.host}:{port.port}"}


def hosted_env_var(header: str) -> str:
    return HOSTED_ENV_PREFIX + re.sub(r"[^A-Za-z0-9]", "_", header).upper()


def hosted_exporter(hosted: dict) -> tuple[dict, list[dict]]:
    """The exporter to a hosted endpoint (TLS: https:// only, enforced by the schema) with each
    header read from the environment, and the env entries that fill it from the Secret."""
    settings: dict[str, Any] = {"endpoint": hosted["endpoint"]}
    env = []
    headers = hosted.get("headers") or {}
    if headers:
        settings["headers"] = {header: "${env:" + hosted_env_var(header) + "}" for header in headers}
        env = [{"name": hosted_env_var(header), "valueFrom": {"secretKeyRef": {"name": hosted["secret"], "key": key}}}
               for header, key in headers.items()]
    return settings, env


# Grafana ------------------------------------------------------------------------------------------


def grafana_base_values(stack: Stack) -> dict:
    grafana = stack.backend("grafana") or {}
    return {"admin": {"existingSecret": grafana.get("adminSecret", "")}}


def grafana_values(stack: Stack, services: dict[str, wiring.BackendService]) -> dict:
    """The admin account from the declared Secret, and a datasource per enabled backend at the URL of
    its Service (Tempo: its HTTP API port), Tempo linked to Beyla's metrics where Grafana can."""
    values = grafana_base_values(stack)
    datasources = []
    prometheus, tempo = services.get("prometheus"), services.get("tempo")
    if prometheus is not None:
        datasources.append({"name": "Prometheus", "type": "prometheus", "uid": PROMETHEUS_UID, "access": "proxy",
                            "url": prometheus.url("http"), "isDefault": True, "editable": False})
    if tempo is not None:
        datasource: dict[str, Any] = {"name": "Tempo", "type": "tempo", "uid": TEMPO_UID, "access": "proxy",
                                      "url": tempo.url("api"), "isDefault": prometheus is None, "editable": False}
        if prometheus is not None and traces_to_metrics_supported(_version(stack, "grafana")):
            datasource["jsonData"] = {"tracesToMetrics": traces_to_metrics()}
        datasources.append(datasource)
    values["datasources"] = {DATASOURCES_FILE: {"apiVersion": 1, "datasources": datasources}}
    return values


def traces_to_metrics_supported(chart_version: str) -> bool:
    knowledge = charts.by_name("grafana")
    app = knowledge.app_version(chart_version)
    return app is not None and versions.at_least(app, str(knowledge.data["tracesToMetricsSinceApp"])) is True


def traces_to_metrics() -> dict:
    """From a span to Beyla's metrics of its service. `$$` is a literal `$` in a provisioning file
    (Grafana expands $VAR there): Grafana sees `$__tags`."""
    label = wiring.prometheus_label("service.name")
    metric = wiring.BEYLA_HTTP_SERVER_DURATION
    return {
        "datasourceUid": PROMETHEUS_UID,
        "spanStartTimeShift": "-5m",
        "spanEndTimeShift": "5m",
        "tags": [{"key": "service.name", "value": label}],
        "queries": [
            {"name": "Request rate by route", "query": f"sum by (http_route) (rate({metric}_count{{$$__tags}}[5m]))"},
            {"name": "Request duration p95", "query": f"histogram_quantile(0.95, sum by (le) (rate({metric}_bucket{{$$__tags}}[5m])))"},
        ],
    }
