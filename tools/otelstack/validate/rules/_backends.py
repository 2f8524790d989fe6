"""Backends in the tree (Tempo, Prometheus and Grafana chart releases, with the Services their chart
versions create) and what reaches them: collector exporters and Grafana datasources. Shared by the
wiring-backend-*, wiring-datasource and backend security rules; names and ports come from wiring.py."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any, Iterator
from urllib.parse import urlsplit

from otelstack import wiring
from otelstack.source import Located, Location, is_unknown
from otelstack.validate.model import Application, AppSource, Collector
from otelstack.validate.rules._clients import service_of
from otelstack.validate.rules._collector import configs, pipelines
from otelstack.validate.rules.base import Context, chart_version

TITLES = {"tempo": "Tempo", "prometheus": "Prometheus", "grafana": "Grafana"}
# Collector exporters that push to a backend, and the protocol each speaks (collector 0.113 names,
# and the later otlp_grpc / otlp_http).
EXPORTER_PROTOCOL = {"otlp": "grpc", "otlp_grpc": "grpc", "otlphttp": "http", "otlp_http": "http", "prometheusremotewrite": "remote-write"}
SIGNAL_COMPONENT = {"traces": "tempo", "metrics": "prometheus"}  # which backend a pipeline's signal goes to


@dataclass
class Backend:
    app: Application
    source: AppSource
    component: str
    service: wiring.BackendService | None  # None: not knowable offline (unknown values, a version without data)

    @property
    def values(self) -> Located | None:
        return self.source.values

    @property
    def title(self) -> str:
        return TITLES[self.component]

    @property
    def label(self) -> str:
        return f"{self.title} (application {self.app.label})"


def backends(ctx: Context) -> list[Backend]:
    found = ctx._cache.get("backends")
    if found is None:
        found = []
        for component in wiring.BACKEND_COMPONENTS:
            for app, source in ctx.chart_sources(component):
                version, _ = chart_version(source)
                release = source.release_name if isinstance(source.release_name, str) and source.release_name else app.name
                values = None if source.values_unknown else (source.values.data if source.values is not None else {})
                service = wiring.backend_service(component, release, app.destination_namespace, version, values) if values is not None else None
                found.append(Backend(app, source, component, service))
        ctx._cache["backends"] = found
    return found


def in_scope(ctx: Context, scope: tuple[str, str], component: str | None = None) -> list[Backend]:
    """The backends a client at `scope` (cluster, environment) can reach: those of its own cluster and
    environment when the tree has several, any of them otherwise."""
    found = [b for b in backends(ctx) if component is None or b.component == component]
    scoped = ctx.by_scope(f"backends {component}", found, lambda b: {b.app.scope})
    same = scoped.get(scope, [])
    if same or scope[0]:
        return same
    return found


@dataclass(frozen=True)
class Target:
    scheme: str  # "" when the endpoint has none (a gRPC host:port)
    host: str
    port: int | None
    path: str


def parse_target(endpoint: Any) -> Target | None:
    """An exporter endpoint or a datasource URL: a URL, or a gRPC `host:port` without scheme."""
    if not isinstance(endpoint, str) or not endpoint.strip():
        return None
    text = endpoint.strip()
    try:
        if "://" not in text:
            parts = urlsplit("//" + text)
            return Target("", parts.hostname or "", parts.port, parts.path) if parts.hostname else None
        parts = urlsplit(text)
        return Target(parts.scheme, parts.hostname or "", parts.port, parts.path) if parts.hostname else None
    except ValueError:
        return None


def default_port(target: Target) -> int | None:
    """The port a URL without one reaches (None for a gRPC host without port: the exporter refuses it)."""
    return target.port if target.port is not None else {"http": 80, "https": 443}.get(target.scheme)


def resolve(ctx: Context, target: Target, own_namespace: Any, scope: tuple[str, str]) -> tuple[str, str, list[Backend]] | None:
    """(Service, namespace, backends owning that Service) for a cluster-internal host; None otherwise."""
    service, namespace, internal = service_of(target.host, own_namespace)
    if not internal:
        return None
    owners = [b for b in in_scope(ctx, scope) if b.service is not None and (b.service.name, b.service.namespace) == (service, namespace)]
    return service, namespace, owners


def unknowable(ctx: Context, service: str, namespace: str, scope: tuple[str, str]) -> bool:
    """A backend in scope whose Service cannot be known offline might be the one meant: say nothing."""
    return any(b.service is None and b.app.destination_namespace == namespace for b in in_scope(ctx, scope))


def is_collector_service(ctx: Context, service: str, namespace: str) -> bool:
    return any(c.namespace == namespace and service in c.service_names().values() for c in ctx.platform.collectors)


def nearest(candidates: list[Backend], service: str, namespace: str) -> Backend | None:
    known = [b for b in candidates if b.service is not None]
    if not known:
        return None

    def score(b: Backend) -> float:
        return difflib.SequenceMatcher(None, service, b.service.name).ratio() + (0.5 if b.service.namespace == namespace else 0.0)
    return max(known, key=score)


# Collector exporters ------------------------------------------------------------------------------


@dataclass
class Exporter:
    collector: Collector
    config: Located
    id: str
    type: str
    protocol: str  # grpc | http | remote-write
    key: str  # endpoint | traces_endpoint | metrics_endpoint
    endpoint: Any
    settings: dict
    signals: set[str]

    @property
    def location(self) -> Location:
        return self.config.location(("exporters", self.id, self.key))

    @property
    def label(self) -> str:
        return f"collector {self.collector.label}: exporter {self.id}"

    @property
    def scope(self) -> tuple[str, str]:
        return self.collector.obj.scope


def exporters(ctx: Context) -> list[Exporter]:
    """Every push exporter of every collector, once per endpoint key it sets."""
    found = ctx._cache.get("backend-exporters")
    if found is None:
        found = []
        for collector, config in configs(ctx):
            defined = config.data.get("exporters")
            if not isinstance(defined, dict):
                continue
            signals: dict[str, set[str]] = {}
            for name, pipeline in pipelines(config).items():
                listed = pipeline.get("exporters") if isinstance(pipeline, dict) else None
                for exporter in listed if isinstance(listed, list) else []:
                    if isinstance(exporter, str):
                        signals.setdefault(exporter, set()).add(str(name).split("/", 1)[0])
            for exporter_id, settings in defined.items():
                kind = str(exporter_id).split("/", 1)[0]
                if kind not in EXPORTER_PROTOCOL or not isinstance(settings, dict):
                    continue
                for key in ("endpoint", "traces_endpoint", "metrics_endpoint"):
                    if key in settings and (key == "endpoint" or EXPORTER_PROTOCOL[kind] == "http"):
                        found.append(Exporter(collector, config, exporter_id, kind, EXPORTER_PROTOCOL[kind], key, settings[key],
                                              settings, signals.get(exporter_id, set())))
        ctx._cache["backend-exporters"] = found
    return found


def exporter_uses_tls(exporter: Exporter, target: Target) -> bool:
    """Whether the exporter's client speaks TLS. gRPC (collector 0.113, configgrpc): TLS unless
    `tls.insecure: true`, and always for an https:// endpoint; an http:// prefix is only stripped.
    OTLP/HTTP and remote write: the URL's scheme."""
    if exporter.protocol == "grpc":
        tls = exporter.settings.get("tls")
        insecure = isinstance(tls, dict) and tls.get("insecure") is True
        return target.scheme == "https" or not insecure
    return target.scheme == "https"


def wanted_components(exporter: Exporter) -> list[str]:
    """The backends an exporter is meant for, from the pipelines it is in (Tempo for traces, ...)."""
    if exporter.protocol == "remote-write":
        return ["prometheus"]
    if exporter.signals and not any(s in SIGNAL_COMPONENT for s in exporter.signals):
        return []  # logs (or profiles) only: neither Tempo nor Prometheus is what it is meant for
    return sorted({SIGNAL_COMPONENT[s] for s in exporter.signals if s in SIGNAL_COMPONENT}) or ["tempo", "prometheus"]


def endpoint_for(exporter: Exporter, backend: Backend) -> str:
    """The endpoint this exporter should have to reach `backend` (for hints)."""
    service = backend.service
    if backend.component == "tempo":
        port = service.port(f"otlp-{exporter.protocol}") if exporter.protocol in ("grpc", "http") else None
        if port is None:
            return ""
        if exporter.protocol == "grpc":
            return f"{service.host}:{port.port}"
        return f"{'https' if port.tls else 'http'}://{service.host}:{port.port}"
    if backend.component == "prometheus":
        receiver = "remote-write" if exporter.protocol == "remote-write" else "otlp"
        return service.url("http", wiring.prometheus_receiver_path(receiver))
    return ""


# Grafana datasources --------------------------------------------------------------------------------

DATASOURCE_COMPONENT = {"tempo": "tempo", "prometheus": "prometheus"}  # datasource type -> backend


@dataclass
class Datasource:
    grafana: Backend
    path: tuple  # of the datasource in the Grafana values
    data: dict

    @property
    def url(self) -> Any:
        return self.data.get("url")

    @property
    def type(self) -> Any:
        return self.data.get("type")

    @property
    def location(self) -> Location:
        return self.grafana.values.location(self.path + ("url",))

    @property
    def label(self) -> str:
        name = self.data.get("name")
        return f"Grafana datasource {name!r} ({self.grafana.app.label})" if isinstance(name, str) else f"Grafana datasource ({self.grafana.app.label})"


def datasources(ctx: Context) -> Iterator[Datasource]:
    """Datasources provisioned through the Grafana chart's `datasources.<file>.datasources[]`."""
    for grafana in backends(ctx):
        if grafana.component != "grafana" or grafana.values is None:
            continue
        files = grafana.values.data.get("datasources")
        if not isinstance(files, dict):
            continue
        for file_name, body in files.items():
            entries = body.get("datasources") if isinstance(body, dict) else None
            if not isinstance(entries, list):
                continue
            for index, entry in enumerate(entries):
                if isinstance(entry, dict):
                    yield Datasource(grafana, ("datasources", file_name, "datasources", index), entry)


def known(value: Any) -> bool:
    return value is not None and not is_unknown(value)
