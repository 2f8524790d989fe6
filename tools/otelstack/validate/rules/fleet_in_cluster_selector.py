"""A label selector meant for the cluster Argo CD runs in, which it can never match.

The built-in in-cluster target (https://kubernetes.default.svc) has no labels: any label selector
skips it unless a cluster Secret for that server carries the labels. The ApplicationSet then
generates nothing for the management cluster, silently.

Problematic:
    generators: [{clusters: {selector: {matchLabels: {enable_beyla: "true"}}}}]   # no cluster Secret for in-cluster
Correct:
    register the in-cluster target with the labels (a cluster Secret, or argocd_cluster with server
    https://kubernetes.default.svc), as otelstack's fleet environments do
"""

from otelstack.fleet.expand import IN_CLUSTER_SERVER, selector_is_empty
from otelstack.validate.finding import Problem
from otelstack.validate.rules.base import Context

ID = "fleet-in-cluster-selector"
SEVERITY = "warning"
GROUP = "fleet"


def check(ctx: Context):
    if not ctx.platform.clusters or any(c.server == IN_CLUSTER_SERVER for c in ctx.platform.clusters):
        return  # no registration in this tree at all: they live elsewhere (fleet-cannot-expand says so)
    for appset in ctx.platform.application_sets:
        generators = appset.doc.get(("spec", "generators")) or []
        for index, generator in enumerate(generators if isinstance(generators, list) else []):
            clusters = generator.get("clusters") if isinstance(generator, dict) else None
            if not isinstance(clusters, dict) or selector_is_empty(clusters.get("selector")):
                continue
            selected = appset.expansion is not None and appset.expansion.selected_clusters > 0
            aims_in_cluster = appset.doc.get(("spec", "template", "spec", "destination", "server")) == IN_CLUSTER_SERVER
            if not selected or aims_in_cluster:
                yield Problem(appset.doc.key_location(("spec", "generators", index, "clusters", "selector")),
                              f"ApplicationSet {appset.label}: a label selector never matches the built-in in-cluster target, "
                              "and no cluster Secret registers it with labels",
                              f"register {IN_CLUSTER_SERVER} with the labels (cluster Secret or argocd_cluster)")
