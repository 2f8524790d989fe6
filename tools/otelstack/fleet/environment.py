"""A fleet environment of the stack definition expanded per cluster: its ApplicationSets (from
the rendered root) against its clusters, each cluster's applications with what differs from the
environment."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from otelstack.errors import UsageError
from otelstack.fleet.expand import ClusterTarget, ExpansionProblem, expand
from otelstack.plan.summary import flatten
from otelstack.render.compose import compose as compose_stack  # `compose` is also the fleet.compose submodule
from otelstack.stack import StackFile

ENGINES = ("python", "helm")


@dataclass
class ExpandedApp:
    cluster: str
    application_set: str
    name: Any
    namespace: Any
    destination: dict
    sources: list[dict]
    values: dict | None  # the Helm values this cluster gets (its rendered values file)
    overrides: dict[str, Any]  # what differs from the environment's own stack, by dotted key
    # What a plan compares between base and head: the Helm values, or for the collector (a path
    # source without values) the cluster's collector settings its manifests are rendered from.
    inputs: dict = field(default_factory=dict, repr=False)

    def to_json(self) -> dict:
        return {"cluster": self.cluster, "application_set": self.application_set, "name": self.name, "namespace": self.namespace,
                "destination": self.destination, "sources": self.sources, "values": self.values, "overrides": self.overrides}


@dataclass
class FleetExpansion:
    environment: str
    engine: str
    clusters: list[ClusterTarget]
    applications: list[ExpandedApp] = field(default_factory=list)
    problems: list[tuple[str, ExpansionProblem]] = field(default_factory=list)

    def by_cluster(self) -> dict[str, list[ExpandedApp]]:
        grouped: dict[str, list[ExpandedApp]] = {}
        for app in self.applications:
            grouped.setdefault(app.cluster, []).append(app)
        return grouped


def fleet_environments(stack_file: StackFile) -> list[str]:
    return [env for env in stack_file.environments if stack_file.is_fleet(env)]


def fleet_environment(stack_file: StackFile, environment: str | None) -> str:
    """The fleet environment named (default: the first), or a usage error listing them."""
    stack_file.require_valid()
    fleets = fleet_environments(stack_file)
    environment = environment or (fleets[0] if fleets else None)
    if environment is None or environment not in fleets:
        stack_file.resolve(environment or "")  # an unknown name fails with the list of environments
        raise UsageError(f"environment {environment!r} is not a fleet environment",
                         hint=f"fleet environments: {', '.join(fleets) or 'none (set `fleet: true` on one)'}")
    return environment


def expand_environment(stack_file: StackFile, environment: str | None = None, engine: str = "python", runner=None) -> FleetExpansion:
    from otelstack.fleet.compose import compose_fleet, tfvars
    from otelstack.render import TFVARS_NAME, environment_root, tfvars_text
    from otelstack.specs import stack_fleet
    from otelstack.yamlsource import load_yaml

    environment = fleet_environment(stack_file, environment)
    renderer = None
    if engine == "helm":
        from otelstack.external import ProcessRunner
        from otelstack.fleet.helm_engine import render_with_helm

        runner = runner or ProcessRunner()
        renderer = lambda jobs: render_with_helm(jobs, runner)  # noqa: E731
    # The ApplicationSets as the rendered root declares them (its tfvars, with positions), and each
    # cluster's Helm values as its rendered values file holds them; the manifests are not needed.
    fleet = compose_fleet(stack_file, environment)
    tfvars_path = f"{environment_root(environment)}/{TFVARS_NAME}"
    spec_doc = load_yaml(tfvars_text(tfvars(fleet)), tfvars_path).documents[0]
    cluster_values = {(m.name, app.name): app.values for m in fleet.clusters for app in m.composition.applications}
    clusters, application_sets = stack_fleet(spec_doc)
    result = FleetExpansion(environment, engine, clusters)
    defaults = compose_stack(fleet.stack).applications
    base_values = {app.name: app.values for app in defaults}
    base_versions = {app.name: app.spec["source"]["target_revision"] for app in defaults if app.spec["source"]["chart"]}
    members = {member.name: member for member in fleet.clusters}
    for name, doc in application_sets:
        expansion = expand(doc, clusters, renderer)
        result.problems += [(name, problem) for problem in expansion.problems]
        for generated in expansion.generated:
            cluster = generated.cluster.name
            app = generated.doc.data
            values = cluster_values.get((cluster, name))
            if values is not None:
                overrides = _differences(base_values.get(name) or {}, values)
                version = app["spec"]["sources"][0].get("targetRevision")
                if name in base_versions and version != base_versions[name]:
                    overrides = {"chart version": version, **overrides}
            else:
                overrides = _differences(fleet.stack.collector, members[cluster].stack.collector)
            inputs = values if values is not None else {"collector": members[cluster].stack.collector}
            result.applications.append(ExpandedApp(cluster, name, app["metadata"]["name"], doc.get(("metadata", "namespace")),
                                                   app["spec"]["destination"], app["spec"]["sources"], values, overrides, inputs))
    result.applications.sort(key=lambda a: (a.cluster, a.name))
    return result


def _differences(base: dict, actual: dict) -> dict[str, Any]:
    flat_base, flat_actual = flatten(base), flatten(actual)
    return {key: flat_actual.get(key) for key in sorted(set(flat_base) | set(flat_actual)) if flat_base.get(key) != flat_actual.get(key)}


def as_text(expansion: FleetExpansion, cluster: str | None = None) -> str:
    by_cluster = expansion.by_cluster()
    lines = [f"fleet {expansion.environment}: {len(expansion.clusters)} clusters, "
             f"{len(expansion.applications)} applications (engine: {expansion.engine})"]
    for target in expansion.clusters:
        if cluster and target.name != cluster:
            continue
        labels = ", ".join(f"{k}={v}" for k, v in target.labels)
        lines += ["", f"cluster {target.name}  {target.server}", f"  labels: {labels}"]
        for app in by_cluster.get(target.name, []):
            source = app.sources[0]
            what = f"chart {source.get('chart')} {source.get('targetRevision')}" if source.get("chart") else f"path {source.get('path')}@{source.get('targetRevision')}"
            lines.append(f"  {app.name}  ({app.application_set} -> {app.destination.get('namespace')}, {what})")
            for key, value in app.overrides.items():
                lines.append(f"      {key}: {yaml.safe_dump(value, default_flow_style=True).strip().removesuffix('...').strip()}")
    for name, problem in expansion.problems:
        if problem.kind != "unknown":
            lines.append(f"{problem.location}: {name}: {problem.message}")
    return "\n".join(lines) + "\n"


def as_json(expansion: FleetExpansion, cluster: str | None = None) -> str:
    import json

    by_cluster = expansion.by_cluster()
    payload = {
        "version": 1,
        "environment": expansion.environment,
        "engine": expansion.engine,
        "clusters": [
            {"name": c.name, "server": c.server, "labels": dict(c.labels), "annotations": dict(c.annotations),
             "applications": [a.to_json() for a in by_cluster.get(c.name, [])]}
            for c in expansion.clusters if not cluster or c.name == cluster
        ],
        "problems": [{"application_set": name, "kind": p.kind, "location": str(p.location), "message": p.message}
                     for name, p in expansion.problems if p.kind != "unknown"],
    }
    return json.dumps(payload, indent=2) + "\n"
