"""What the renderer needs from the backend sections (tempo, prometheus, grafana, hostedBackend) to
derive their wiring: a Service it can name, with the port it will send to, in a chart version whose
facts otelstack has. Anything else about them is `otelstack validate`'s job."""

from __future__ import annotations

from typing import Iterator

from otelstack import charts, versions, wiring
from otelstack.render import backends
from otelstack.source import Location
from otelstack.stack.model import Stack

Problem = tuple[Location, str, str]


def check_backends(stack: Stack) -> Iterator[Problem]:
    env = f"environment {stack.environment!r}"
    yield from _generated_ids(stack, env)
    if stack.backend("tempo"):
        yield from _tempo(stack, env)
    if stack.backend("prometheus"):
        yield from _prometheus(stack, env)
    if stack.backend("grafana") and not (stack.backend("tempo") or stack.backend("prometheus")):
        yield (stack.loc("grafana", "enabled"), f"{env}: grafana is enabled without tempo or prometheus: it would have no datasource",
               "enable tempo and/or prometheus in this environment, or turn grafana off")
    hosted = stack.hosted_backend
    if hosted and hosted.get("headers") and not hosted.get("secret"):
        yield (stack.loc("hostedBackend", "headers"), f"{env}: hostedBackend.headers name keys of a Secret, but hostedBackend.secret is not set",
               "set hostedBackend.secret to the Secret (in the collector's namespace) that holds them")


def _generated_ids(stack: Stack, env: str) -> Iterator[Problem]:
    config = stack.collector["config"]
    for section, ids in backends.generated_components(stack).items():
        for component_id in ids:
            if component_id in (config.get(section) or {}):
                yield (stack.key_loc("collector", "config", section, component_id),
                       f"{env}: collector {section[:-1]} {component_id!r} is generated from the backend sections; it cannot be defined here too",
                       "remove it: the endpoint and settings are derived from the backend's release, namespace and chart version")


def _supported(stack: Stack, component: str, env: str) -> Iterator[Problem]:
    version = str(stack.data[component]["chart"]["version"])
    knowledge = charts.by_name(component)
    since = str(knowledge.data["service"]["since"])
    if versions.at_least(version, since) is False:
        yield (stack.loc(component, "chart", "version"), f"{env}: otelstack knows the Services of {knowledge.title} chart {since} and later, not {version}",
               f"use chart {since} or later")


def _tempo(stack: Stack, env: str) -> Iterator[Problem]:
    problems = list(_supported(stack, "tempo", env))
    yield from problems
    if problems:
        return
    pipelines = stack.collector["config"]["service"]["pipelines"]
    if not any(name.split("/", 1)[0] == "traces" for name in pipelines):
        yield (stack.loc("tempo", "enabled"), f"{env}: tempo is enabled, but collector {stack.collector['name']!r} has no traces pipeline to export from",
               "add a `traces` pipeline to collector.config.service.pipelines")
    service = backends.service(stack, "tempo")
    protocol = backends.tempo_protocol(stack)
    port = service.port(f"otlp-{protocol}") if service else None
    where = stack.loc("tempo", "values") if stack.get("tempo", "values") else stack.loc("tempo")
    if port is None:
        yield (where, f"{env}: Tempo's Service opens no OTLP {protocol} port with these values (its {protocol} receiver has no endpoint)",
               "keep tempo.receivers.otlp.protocols." + protocol + ".endpoint set (Tempo 2.7 and later listen on localhost without it)")
    elif port.tls:
        yield (where, f"{env}: Tempo's OTLP {protocol} receiver serves TLS: otelstack derives plaintext in-cluster wiring only",
               "drop the receiver's tls settings, or configure the collector's exporter to Tempo yourself (and leave tempo disabled)")
    elif wiring.is_loopback(port.bind_host):
        yield (where, f"{env}: Tempo's OTLP {protocol} receiver listens on {port.bind_host}: other pods cannot reach it",
               "bind it to 0.0.0.0")


def _prometheus(stack: Stack, env: str) -> Iterator[Problem]:
    problems = list(_supported(stack, "prometheus", env))
    version = str(stack.data["prometheus"]["chart"]["version"])
    since = str(charts.by_name("prometheus").data["otlpConfigSince"])
    if not problems and versions.at_least(version, since) is False:
        problems.append((stack.loc("prometheus", "chart", "version"),
                         f"{env}: Prometheus chart {version} has no server.otlp section, which otelstack sets (promoted resource attributes)",
                         f"use chart {since} or later (Prometheus 3.1 or later)"))
    yield from problems
    if problems:
        return
    service = backends.service(stack, "prometheus")
    if service is not None and "otlp" not in service.receivers:
        flag = wiring.prometheus_receiver_flag("otlp", version)
        yield (stack.loc("prometheus", "values", "server", "extraFlags"),
               f"{env}: prometheus.values.server.extraFlags replaces the flags otelstack sets and leaves out {flag}: "
               "the collector's OTLP pushes would get 404", f"add {flag} to the list")
