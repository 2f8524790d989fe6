"""What the smoke test asks the backends, and how it reads their answers: Tempo's search and trace
APIs, Prometheus's instant query API, Grafana's health and datasources. Requests go through the
Kubernetes API server's service proxy (`kubectl get --raw`), so no port is opened on the host;
only Grafana's datasources, which need its admin login, are read through a port-forward."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote, urlencode

from otelstack import wiring
from otelstack.smoke.spans import Expected, Span

SPAN_KINDS = {"SPAN_KIND_SERVER": "Server", "SPAN_KIND_CLIENT": "Client", "SPAN_KIND_INTERNAL": "Internal",
              "SPAN_KIND_PRODUCER": "Producer", "SPAN_KIND_CONSUMER": "Consumer", 2: "Server", 3: "Client", 1: "Internal"}
TRACES_TO_FETCH = 20  # search results read per attempt (Tempo's default search limit)


class BadAnswer(ValueError):
    """A backend answered something that is not the documented format."""


def proxy_path(service: wiring.BackendService, role: str, path: str, query: dict[str, str] | None = None) -> str:
    """The API server's proxy path to a Service port: /api/v1/namespaces/N/services/http:S:P/proxy/..."""
    port = service.port(role)
    scheme = "https" if port.tls else "http"
    text = f"/api/v1/namespaces/{service.namespace}/services/{scheme}:{service.name}:{port.port}/proxy{path}"
    return text + ("?" + urlencode(query, quote_via=quote) if query else "")


def _json(text: str, what: str) -> Any:
    try:
        return json.loads(text or "")
    except ValueError:
        raise BadAnswer(f"{what} is not JSON: {(text or '').strip()[:120]!r}") from None


# Tempo --------------------------------------------------------------------------------------------


def tempo_search(service: wiring.BackendService, service_name: str) -> str:
    """Recent traces with a span of this service (tags search: `service.name=<name>`; without
    start/end Tempo searches the recent data in its ingesters, where a smoke run's traces are)."""
    return proxy_path(service, "api", "/api/search", {"tags": f"service.name={service_name}", "limit": str(TRACES_TO_FETCH)})


def tempo_trace(service: wiring.BackendService, trace_id: str) -> str:
    return proxy_path(service, "api", f"/api/traces/{trace_id}")


def parse_tempo_search(text: str) -> list[str]:
    """Trace IDs of a /api/search answer: {"traces": [{"traceID": ..., "rootServiceName": ...}], "metrics": {...}}."""
    data = _json(text, "Tempo's search answer")
    if not isinstance(data, dict) or not isinstance(data.get("traces", []), list):
        raise BadAnswer(f"Tempo's search answer has no traces list: {str(data)[:120]}")
    return [t["traceID"] for t in data.get("traces") or [] if isinstance(t, dict) and isinstance(t.get("traceID"), str)]


def parse_tempo_trace(text: str) -> list[Span]:
    """Spans of a /api/traces/<id> answer: OTLP JSON, resource spans under `batches` (Tempo 2.x) or
    `resourceSpans`, spans under `scopeSpans` (or the older `instrumentationLibrarySpans`)."""
    data = _json(text, "Tempo's trace answer")
    if isinstance(data, dict) and isinstance(data.get("trace"), dict):
        data = data["trace"]  # the v2 API wraps it
    if not isinstance(data, dict):
        raise BadAnswer("Tempo's trace answer is not an object")
    spans: list[Span] = []
    for batch in data.get("batches") or data.get("resourceSpans") or []:
        resource = _attributes((batch.get("resource") or {}).get("attributes"))
        for scope in batch.get("scopeSpans") or batch.get("instrumentationLibrarySpans") or []:
            scope_name = (scope.get("scope") or scope.get("instrumentationLibrary") or {}).get("name", "")
            for raw in scope.get("spans") or []:
                spans.append(Span(name=raw.get("name", ""), kind=SPAN_KINDS.get(raw.get("kind"), str(raw.get("kind", ""))),
                                  trace_id=str(raw.get("traceId", "")), span_id=str(raw.get("spanId", "")),
                                  attributes=_attributes(raw.get("attributes")), resource=resource, scope=scope_name))
    return spans


def _attributes(items: Any) -> dict[str, Any]:
    out = {}
    for item in items or []:
        if isinstance(item, dict) and "key" in item:
            out[item["key"]] = _value(item.get("value") or {})
    return out


def _value(value: dict) -> Any:
    if "intValue" in value:
        try:
            return int(value["intValue"])  # protobuf JSON writes 64-bit integers as strings
        except (TypeError, ValueError):
            return value["intValue"]
    for key in ("stringValue", "doubleValue", "boolValue"):
        if key in value:
            return value[key]
    return None


# Prometheus ---------------------------------------------------------------------------------------

METRIC_LABELS = ("http_request_method", "http_route", "http_response_status_code")  # Beyla's attributes, underscore-escaped


def prometheus_promql(service_name: str) -> str:
    """Beyla's HTTP server request count of the service, per method, route and status (the labels of
    http.server.request.duration with routes configured; service.name promoted to service_name)."""
    label = wiring.prometheus_label("service.name")
    return (f"sum by ({', '.join(METRIC_LABELS)}) ({wiring.BEYLA_HTTP_SERVER_DURATION}_count{{{label}=\"{service_name}\"}})")


def prometheus_query(service: wiring.BackendService, promql: str) -> str:
    return proxy_path(service, "http", "/api/v1/query", {"query": promql})


def parse_prometheus_vector(text: str) -> list[tuple[dict[str, str], float]]:
    """An instant query answer: {"status": "success", "data": {"resultType": "vector", "result": [{"metric": {...}, "value": [ts, "v"]}]}}."""
    data = _json(text, "Prometheus's query answer")
    if not isinstance(data, dict) or data.get("status") != "success":
        raise BadAnswer(f"Prometheus answered {str(data.get('error') if isinstance(data, dict) else data)[:160]}")
    body = data.get("data") or {}
    if body.get("resultType") != "vector":
        raise BadAnswer(f"Prometheus answered a {body.get('resultType')!r}, not a vector")
    out = []
    for item in body.get("result") or []:
        try:
            out.append((dict(item.get("metric") or {}), float(item["value"][1])))
        except (KeyError, IndexError, TypeError, ValueError):
            raise BadAnswer(f"a Prometheus sample without a value: {str(item)[:120]}") from None
    return out


def judge_prometheus(series: list[tuple[dict[str, str], float]], traffic: list[Expected], with_routes: bool) -> tuple[bool, list[str], list[str]]:
    """(all expected requests counted, what is missing, what was seen)."""
    seen = [f"{m.get('http_request_method')} {m.get('http_route', '-')} -> {m.get('http_response_status_code')}: {v:g}" for m, v in series]
    missing = []
    for expected in traffic:
        if not any(m.get("http_request_method") == expected.method and m.get("http_response_status_code") == str(expected.status)
                   and (not with_routes or m.get("http_route") == expected.route) and v > 0 for m, v in series):
            missing.append(str(expected))
    return not missing, missing, seen


# Grafana ------------------------------------------------------------------------------------------


def grafana_health(service: wiring.BackendService) -> str:
    return proxy_path(service, "http", "/api/health")


def parse_grafana_health(text: str) -> dict:
    """{"commit": "...", "database": "ok", "version": "13.2.0"}: healthy when the database is ok."""
    data = _json(text, "Grafana's health answer")
    if not isinstance(data, dict):
        raise BadAnswer("Grafana's health answer is not an object")
    return data


def parse_grafana_datasources(text: str) -> list[dict]:
    """/api/datasources: [{"uid", "name", "type", "url", "access", "isDefault", ...}]."""
    data = _json(text, "Grafana's datasources answer")
    if not isinstance(data, list):
        raise BadAnswer(f"Grafana's datasources answer is not a list: {str(data)[:120]}")
    return [d for d in data if isinstance(d, dict)]


def missing_datasources(listed: list[dict], expected: list[dict]) -> list[str]:
    """Each provisioned datasource must be listed with its type and URL."""
    present = {(d.get("name"), d.get("type"), d.get("url")) for d in listed}
    return [f"{d['name']} ({d['type']}, {d['url']})" for d in expected if (d.get("name"), d.get("type"), d.get("url")) not in present]
