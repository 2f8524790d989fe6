"""Grafana datasource (provisioned through the Grafana chart) whose URL reaches no Service of its backend.

A Tempo datasource reads Tempo's HTTP API (port 3200 from Tempo chart 1.23.1, 3100 before), not its
OTLP receivers; a Prometheus datasource reads the server's Service (`<release>-server` or
`<release>-prometheus-server`, port 80). The backends serve plain HTTP unless configured otherwise.
A wrong Service name, port or scheme leaves the datasource failing its health check and every query.

Problematic:
    datasources: {datasources.yaml: {apiVersion: 1, datasources: [
      {name: Tempo, type: tempo, url: "http://tempo-tempo.tempo.svc.cluster.local:3200"}]}}
Correct:
    datasources: {datasources.yaml: {apiVersion: 1, datasources: [
      {name: Tempo, type: tempo, url: "http://tempo.tempo.svc.cluster.local:3200"}]}}
"""

from otelstack.validate.finding import Problem
from otelstack.validate.rules._backends import (
    DATASOURCE_COMPONENT, TITLES, datasources, default_port, in_scope, known, nearest, parse_target, resolve, unknowable,
)
from otelstack.validate.rules.base import Context

ID = "wiring-datasource"
SEVERITY = "error"
GROUP = "wiring"

ROLE = {"tempo": "api", "prometheus": "http"}  # the port a datasource reads


def check(ctx: Context):
    for datasource in datasources(ctx):
        component = DATASOURCE_COMPONENT.get(datasource.type) if isinstance(datasource.type, str) else None
        if component is None or not known(datasource.url):
            continue
        grafana = datasource.grafana
        target = parse_target(datasource.url)
        if target is None or not target.scheme:
            yield Problem(datasource.location, f"{datasource.label}: url {datasource.url!r} is not a URL (http://<service>.<namespace>.svc.cluster.local:<port>)",
                          _suggest(ctx, datasource, component, "", ""))
            continue
        found = resolve(ctx, target, grafana.app.destination_namespace, grafana.app.scope)
        if found is None:
            continue  # outside the cluster
        service, namespace, owners = found
        title = TITLES[component]
        if not owners:
            if unknowable(ctx, service, namespace, grafana.app.scope) or not in_scope(ctx, grafana.app.scope, component):
                continue
            yield Problem(datasource.location, f"{datasource.label}: {service}.{namespace} is not a Service any {title} in the tree creates",
                          _suggest(ctx, datasource, component, service, namespace))
            continue
        backend = owners[0]
        if backend.component != component:
            yield Problem(datasource.location, f"{datasource.label}: a {datasource.type} datasource pointed at {backend.label}'s Service",
                          _suggest(ctx, datasource, component, service, namespace))
            continue
        wanted = backend.service.port(ROLE[component])
        port_number = default_port(target)
        if port_number != wanted.port:
            other = next((p for p in backend.service.ports if p.port == port_number), None)
            what = f"is its {'OTLP receiver' if other.role.startswith('otlp') else other.role} port" if other else "is not open"
            yield Problem(datasource.location, f"{datasource.label}: port {port_number} of {backend.label} {what}; "
                                               f"the datasource reads port {wanted.port}", f"use {backend.service.url(ROLE[component])}")
        elif (target.scheme == "https") != wanted.tls:
            yield Problem(datasource.location, f"{datasource.label}: {target.scheme}:// to port {wanted.port} of {backend.label}, which serves "
                                               f"{'TLS' if wanted.tls else 'plain HTTP'}", f"use {backend.service.url(ROLE[component])}")


def _suggest(ctx, datasource, component, service, namespace) -> str:
    best = nearest(in_scope(ctx, datasource.grafana.app.scope, component), service, namespace)
    return f"did you mean {best.service.url(ROLE[component])}?" if best is not None else ""
