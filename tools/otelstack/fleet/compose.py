"""A fleet environment as ApplicationSets: one per component, a clusters generator selecting on the
component's label, and a registration per cluster carrying its labels (add-on switches) and
annotations (facts such as the chart version it runs). What differs per cluster lives in files
rendered per cluster (Helm values, collector manifests), layered with a multi-source `ref`.

The same single-cluster composition runs for every cluster; the ApplicationSet template is what
all clusters share, and anything that cannot be shared is refused with the cluster's location.
"""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass, field
from typing import Any

from otelstack.errors import UsageError
from otelstack.render.compose import TIER_PREREQUISITES, Application, Composition, compose, rendered_path, wait_timeouts
from otelstack.stack import Stack, StackFile
from otelstack.stack.loader import Cluster
from otelstack.memo import content_key
from otelstack.yamlsource import copied

ENVIRONMENT_LABEL = "otelstack.io/environment"
GO_TEMPLATE_OPTIONS = ["missingkey=error"]
IN_CLUSTER = "https://kubernetes.default.svc"


def label_id(component: str) -> str:
    return component.replace("-", "_")


def enable_label(component: str) -> str:
    """The gitops-bridge switch: a cluster runs a component when it carries this label."""
    return f"enable_{label_id(component)}"


def version_annotation(component: str) -> str:
    """The annotation carrying a component's chart version. A Go identifier on purpose: the template
    reads it by field access, which fails on a cluster without it (`missingkey=error`), where
    `index .metadata.annotations "otelstack.io/..."` would give "" and deploy the newest chart."""
    return f"otelstack_{label_id(component)}_chart_version"


# The repository root rendered as a directory source: the provider gives every source `path = "."`
# (schema default in v7), so the values `ref` source would also deploy the root's manifests.
# Excluding every file keeps it a values-only source.
REF_SOURCE_EXCLUDE = "*"
REGISTRATIONS_COMPONENT = "cluster-registrations"
CLUSTER_SECRET_LABEL = "argocd.argoproj.io/secret-type"
# How Argo CD reaches its own cluster: its service account (no credentials in the Secret).
IN_CLUSTER_CONFIG = '{"tlsClientConfig":{"insecure":false}}'


def values_path(environment: str, cluster: str, app: str) -> str:
    return f"terraform/environments/{environment}/values/{cluster}/{app}.yaml"


@dataclass
class FleetCluster:
    cluster: Cluster
    stack: Stack
    composition: Composition
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.cluster.name


@dataclass
class FleetComposition:
    environment: str
    stack: Stack  # the environment's own stack (what the templates share)
    clusters: list[FleetCluster]
    application_sets: dict[str, dict]  # name -> spec for the fleet module (otelstack.auto.tfvars.json)

    def cluster_specs(self) -> dict[str, dict]:
        return {c.name: {"server": c.cluster.server, "labels": c.labels, "annotations": c.annotations} for c in self.clusters}

    @property
    def in_cluster(self) -> list[FleetCluster]:
        """Members at Argo CD's own address: `argocd_cluster` cannot register them (the provider's
        create finds Argo CD's built-in in-cluster entry and fails with "already exists"), so a
        cluster Secret synced by an Argo CD application carries their labels instead."""
        return [c for c in self.clusters if c.cluster.server == IN_CLUSTER]


def registrations_path(stack: Stack) -> str:
    """Where a fleet's cluster Secrets are rendered: beside the per-cluster folders (cluster names
    are DNS labels, so `_clusters` can never be one of them)."""
    return f"{rendered_path(stack)}/_clusters"


def cluster_secret(fleet: "FleetComposition", member: FleetCluster) -> dict:
    """The declarative registration of an in-cluster member: Argo CD uses this Secret instead of
    its built-in entry, with the member's labels and annotations."""
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {
            "name": f"otelstack-cluster-{member.name}",
            "namespace": fleet.stack.data["argocd"]["namespace"],
            "labels": {CLUSTER_SECRET_LABEL: "cluster", "app.kubernetes.io/managed-by": "otelstack", **member.labels},
            "annotations": dict(member.annotations),
        },
        "type": "Opaque",
        "stringData": {"name": member.name, "server": member.cluster.server, "config": IN_CLUSTER_CONFIG},
    }


def registrations(fleet: "FleetComposition") -> dict[str, dict]:
    """The Argo CD application that syncs the in-cluster members' Secrets (none without such members),
    in the single-environment application shape so the same modules declare it."""
    if not fleet.in_cluster:
        return {}
    stack = fleet.stack
    repo = stack.data["repository"]
    argocd_namespace = stack.data["argocd"]["namespace"]
    spec = {
        "component": REGISTRATIONS_COMPONENT,
        "tier": TIER_PREREQUISITES,
        "project": stack.data["argocd"]["project"],
        "destination": {"server": IN_CLUSTER, "namespace": argocd_namespace},  # Argo CD's own cluster, whatever the stack's destination
        "source": {"repo_url": repo["url"], "chart": None, "path": registrations_path(stack), "target_revision": repo["revision"],
                   "release_name": None, "values_file": None},
        "sync_options": ["CreateNamespace=true"],
        "ignore_differences": [],
        # The ApplicationSets are created once the Secrets exist: a generator that sees no cluster
        # generates (and prunes) nothing.
        "wait": True,
        "timeouts": wait_timeouts(stack),
        "retry": None,
    }
    return {f"{fleet.environment}-clusters": spec}


def compose_fleet(stack_file: StackFile, environment: str) -> FleetComposition:
    base = stack_file.resolve(environment)
    members = []
    composed: dict[bytes, Composition] = {}
    for cluster in stack_file.clusters(environment):
        stack = stack_file.resolve_cluster(environment, cluster)
        composition = _compose_once(stack, composed)
        labels = {ENVIRONMENT_LABEL: environment}
        annotations = {}
        for app in composition.applications:
            labels[enable_label(app.component)] = "true"
            if app.spec["source"]["chart"]:
                annotations[version_annotation(app.component)] = app.spec["source"]["target_revision"]
        labels.update(cluster.labels)
        annotations.update(cluster.annotations)
        members.append(FleetCluster(cluster, stack, composition, labels, annotations))
    sets: dict[str, dict] = {}
    # Each cluster's copy must match the environment's own (so the cluster that differs is the one
    # named); an application the environment itself does not have is compared with its first copy.
    shapes: dict[str, tuple[dict, str]] = {app.name: (_shared(app), f"environment {environment!r}")
                                           for app in _compose_once(base, composed).applications}
    shared: dict[int, dict] = {}  # per application object: clusters composed alike share theirs
    for member in members:
        for app in member.composition.applications:
            shape = shared.get(id(app))
            if shape is None:
                shape = shared[id(app)] = _shared(app)
            if app.name not in sets:
                shapes.setdefault(app.name, (shape, f"cluster {member.name!r}"))
                sets[app.name] = _application_set(base, environment, app)
            else:
                # Clusters may differ in how the operator's webhooks get certificates: the ApplicationSet
                # carries the union of their ignores and sync options (harmless where unused).
                merged = sets[app.name]
                merged["sync_options"] += [o for o in app.spec["sync_options"] if o not in merged["sync_options"]]
                merged["ignore_differences"] += [d for d in app.spec["ignore_differences"] if d not in merged["ignore_differences"]]
            reference, owner = shapes[app.name]
            if shape != reference:
                differing = sorted(k for k in set(shape) | set(reference) if shape.get(k) != reference.get(k))
                raise UsageError(
                    f"cluster {member.name!r} changes {', '.join(differing)} of application {app.name!r} "
                    f"({owner} has another): only chart versions and values can differ per cluster",
                    location=member.cluster.location,
                    hint="move the difference into Helm values, or into its own fleet environment",
                )
    return FleetComposition(environment, base, members, sets)


def _compose_once(stack: Stack, composed: dict[bytes, Composition]) -> Composition:
    """compose(stack), once per distinct stack content (most clusters of a fleet override nothing, or
    the same few keys): a composition depends only on the stack's data and environment. Clusters
    alike share the applications (read only) in a composition naming their own stack."""
    key = content_key(stack.data)
    if key is None:  # not plain data: composed on its own
        return compose(stack)
    first = composed.get(key)
    if first is None:
        first = composed[key] = compose(stack)
        return first
    return dataclasses.replace(first, stack=stack, applications=list(first.applications))


def _shared(app: Application) -> dict:
    """What every cluster's copy of an application must agree on (the ApplicationSet template)."""
    spec = copied(app.spec)  # (copy.deepcopy was most of a large fleet's composition time)
    spec["source"].pop("target_revision")
    spec["source"].pop("values_file")
    for merged_per_cluster in ("destination", "sync_options", "ignore_differences"):
        spec.pop(merged_per_cluster)
    spec["namespace"] = app.namespace
    return spec


def application_name(cluster: str, app: str) -> str:
    """The name the ApplicationSet gives `app` on `cluster` (its template is "{{ .nameNormalized }}-<app>")."""
    from otelstack.fleet.functions import normalize

    return f"{normalize(cluster)}-{app}"


def _application_set(stack: Stack, environment: str, app: Application) -> dict:
    spec = app.spec
    source = dict(spec["source"])
    repo = stack.data["repository"]
    values_source = None
    if source["chart"]:
        source["target_revision"] = f"{{{{ .metadata.annotations.{version_annotation(app.component)} }}}}"
        source["value_files"] = [f"$values/{values_path(environment, '{{ .name }}', app.name)}"]
        values_source = {"repo_url": repo["url"], "target_revision": repo["revision"], "ref": "values", "exclude": REF_SOURCE_EXCLUDE}
    else:
        source["path"] = f"{rendered_path(stack)}/{{{{ .name }}}}"
        source["value_files"] = []
    source.pop("values_file")
    return {
        "component": app.component,
        "tier": spec["tier"],
        "project": spec["project"],
        "selector": {ENVIRONMENT_LABEL: environment, enable_label(app.component): "true"},
        "application_name": "{{ .nameNormalized }}-" + app.name,  # = application_name(cluster, app.name)
        "destination": {"server": "{{ .server }}", "namespace": app.namespace},
        "source": source,
        "values_source": values_source,
        "sync_options": list(spec["sync_options"]),
        "ignore_differences": copy.deepcopy(spec["ignore_differences"]),
        "retry": copy.deepcopy(spec["retry"]),
        "go_template_options": list(GO_TEMPLATE_OPTIONS),
    }


def tfvars(fleet: FleetComposition) -> dict[str, Any]:
    return {
        "argocd_namespace": fleet.stack.data["argocd"]["namespace"],
        "clusters": fleet.cluster_specs(),
        "application_sets": fleet.application_sets,
        "registrations": registrations(fleet),
    }
