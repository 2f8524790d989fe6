"""Everything a smoke run needs, derived from the stack definition and the sample chart: no value
is written twice. Helm values and manifests come from the same composition as the Argo CD
applications; the expected spans come from the sample chart's `traffic`."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from importlib import resources as importlib_resources
from pathlib import Path

import yaml

from otelstack import wiring
from otelstack.errors import UsageError
from otelstack.fleet.compose import application_name, registrations
from otelstack.render import environment_root, render_environment, render_fleet_environment
from otelstack.render import backends
from otelstack.render.compose import Application, chart_fullname, rendered_path
from otelstack.render.templates import TemplateSet
from otelstack.smoke.spans import Expected
from otelstack.stack import Stack, StackFile
from otelstack.stack.loader import Cluster

SAMPLE_RELEASE = "sample-app"
ARGOCD_CHART = {"repository": "https://argoproj.github.io/argo-helm", "name": "argo-cd", "version": "7.7.11", "namespace": "argocd"}


def sample_chart_dir() -> Path:
    return Path(str(importlib_resources.files("otelstack") / "helm-charts" / "sample-app"))


def sample_values() -> dict:
    return yaml.safe_load((sample_chart_dir() / "values.yaml").read_text(encoding="utf-8"))


@dataclass
class HelmRelease:
    name: str
    namespace: str
    repository: str
    chart: str
    version: str
    values_file: Path | None = None
    workload: tuple[str, str] | None = None  # (kind, name) to wait for


@dataclass
class SmokeSetup:
    stack: Stack
    cluster_name: str
    results: Path
    cert_manager: HelmRelease | None
    operator: HelmRelease
    beyla: HelmRelease
    collector_name: str
    collector_namespace: str
    collector_workload: tuple[str, str]
    manifests_dir: Path
    sample_namespace: str
    service_name: str
    traffic: list[Expected]
    load_job: str
    namespaces: list[str] = field(default_factory=list)
    environment_root: Path | None = None
    applications: list[str] = field(default_factory=list)  # the Argo CD applications the environment creates
    tempo: HelmRelease | None = None
    prometheus: HelmRelease | None = None
    grafana: HelmRelease | None = None
    services: dict[str, wiring.BackendService] = field(default_factory=dict)  # the enabled backends' Services
    grafana_admin_secret: str = ""  # created by the smoke run: the stack declares it external
    datasources: list[dict] = field(default_factory=list)  # what Grafana must list (its rendered provisioning)
    metrics_routes: bool = False  # Beyla reports http.route on its metrics (routes are configured)

    @property
    def backends(self) -> list[HelmRelease]:
        return [r for r in (self.tempo, self.prometheus, self.grafana) if r is not None]

    @property
    def kubeconfig(self) -> Path:
        return self.results / "kubeconfig"

    @property
    def kind_config(self) -> Path:
        return self.results / "kind-config.yaml"

    @property
    def stack_file(self) -> Path:
        return Path(self.stack.stack_file)


def new_cluster_name() -> str:
    return f"otelstack-smoke-{secrets.token_hex(3)}"


def prepare(stack_file: StackFile, environment: str, results: Path, cluster_name: str | None = None, write: bool = True) -> SmokeSetup:
    """Resolve the environment and, unless `write` is False (dry run), write the values and manifests
    it installs into `results` (rendered exactly as for the Argo CD applications)."""
    templates = TemplateSet(stack_file.root)
    root = environment_root(environment)
    if stack_file.is_fleet(environment):
        # A fleet environment: the kind cluster is its member at the in-cluster address (Argo CD runs in it).
        cluster = smoke_cluster(stack_file, environment)
        outputs, fleet = render_fleet_environment(stack_file, environment, templates)
        member = next(m for m in fleet.clusters if m.name == cluster.name)
        registration_apps = list(registrations(fleet))
        stack, composition = member.stack, member.composition
        values_folder, manifests_folder = f"{root}/values/{cluster.name}", f"{rendered_path(stack)}/{cluster.name}"
    else:
        stack = stack_file.resolve(environment)
        registration_apps = []
        outputs, composition = render_environment(stack, templates)
        values_folder, manifests_folder = f"{root}/values", rendered_path(stack)
    values_dir, manifests_dir = results / "values", results / "manifests"
    releases: dict[str, HelmRelease] = {}
    for app in composition.applications:
        if app.values is None:
            continue
        values_path = values_dir / f"{app.name}.yaml"
        releases[app.component] = _release(stack, app, values_path)
        if write:
            values_path.parent.mkdir(parents=True, exist_ok=True)
            values_path.write_text(outputs[f"{values_folder}/{app.name}.yaml"], encoding="utf-8")
    if write:
        manifests_dir.mkdir(parents=True, exist_ok=True)
        for rel, text in outputs.items():
            if rel.startswith(f"{manifests_folder}/"):
                (manifests_dir / Path(rel).name).write_text(text, encoding="utf-8")
        (results / "kind-config.yaml").write_text((importlib_resources.files("otelstack") / "data" / "smoke" / "kind-config.yaml").read_text(), encoding="utf-8")
    collector = stack.collector
    services = dict(composition.backends)
    grafana_app = composition.application("grafana")
    if grafana_app is not None:
        services["grafana"] = wiring.backend_service("grafana", grafana_app.spec["source"]["release_name"], grafana_app.namespace,
                                                     grafana_app.spec["source"]["target_revision"], grafana_app.values)
    sample = sample_values()
    traffic = [Expected(t["method"], t["route"], int(t["status"])) for t in sample["traffic"]]
    namespaces = [r.namespace for r in releases.values()] + [collector["namespace"], stack.smoke_namespace]
    return SmokeSetup(
        stack=stack,
        cluster_name=cluster_name or new_cluster_name(),
        results=results,
        cert_manager=releases.get("cert-manager"),
        operator=releases["operator"],
        beyla=releases["beyla"],
        collector_name=collector["name"],
        collector_namespace=collector["namespace"],
        collector_workload=wiring.collector_workload(collector["name"], collector.get("mode", "deployment")),
        manifests_dir=manifests_dir,
        sample_namespace=stack.smoke_namespace,
        service_name=sample["serviceName"],
        traffic=traffic,
        load_job=f"{sample['serviceName']}-load",
        namespaces=list(dict.fromkeys(namespaces)),
        environment_root=stack_file.root / root,
        applications=registration_apps + [application_name(stack.cluster, app.name) if stack.cluster else app.name
                                          for app in composition.applications],
        tempo=releases.get("tempo"),
        prometheus=releases.get("prometheus"),
        grafana=releases.get("grafana"),
        services=services,
        grafana_admin_secret=(stack.backend("grafana") or {}).get("adminSecret", ""),
        datasources=(grafana_app.values["datasources"][backends.DATASOURCES_FILE]["datasources"] if grafana_app is not None else []),
        metrics_routes=bool(stack.beyla.get("routes")),
    )


def default_environment(stack_file: StackFile, via: str) -> str:
    """helm: the `kind` environment. argocd: a fleet environment with a member at the in-cluster
    address (so the ApplicationSet path is the one exercised), else `kind`."""
    from otelstack.fleet.expand import IN_CLUSTER_SERVER

    if via == "argocd":
        for environment in stack_file.environments:
            if stack_file.is_fleet(environment) and any(c.server == IN_CLUSTER_SERVER for c in stack_file.clusters(environment)):
                return environment
    return "kind"


def smoke_cluster(stack_file: StackFile, environment: str) -> Cluster:
    """The member of a fleet environment that the smoke cluster plays: the one at the in-cluster address."""
    from otelstack.fleet.expand import IN_CLUSTER_SERVER

    members = stack_file.clusters(environment)
    local = [c for c in members if c.server == IN_CLUSTER_SERVER]
    if len(local) != 1:
        raise UsageError(f"fleet environment {environment!r} needs exactly one cluster at {IN_CLUSTER_SERVER} for a smoke run "
                         f"(it has {len(local)})", location=stack_file.doc.location(("environments", environment)),
                         hint="the smoke test's kind cluster runs Argo CD: declare it as a cluster with `server: " + IN_CLUSTER_SERVER + "`")
    return local[0]


def _release(stack: Stack, app: Application, values_path: Path) -> HelmRelease:
    source = app.spec["source"]
    release = source["release_name"]
    fullname = chart_fullname(release, source["chart"], app.values)
    prometheus_kind = "statefulset" if (app.values or {}).get("server", {}).get("statefulSet", {}).get("enabled") else "deployment"
    workload = {"operator": ("deployment", fullname), "beyla": ("daemonset", fullname),
                "cert-manager": ("deployment", f"{fullname}-webhook"),
                "tempo": ("statefulset", fullname), "grafana": ("deployment", fullname),
                "prometheus": (prometheus_kind, wiring.prometheus_server_name(release, app.values))}.get(app.component)
    return HelmRelease(release, app.namespace, source["repo_url"], source["chart"], source["target_revision"], values_path, workload)
