"""Destination cluster that nothing in the tree registers and that is not declared as registered.

Argo CD deploys only to clusters it knows: its own (https://kubernetes.default.svc, `in-cluster`)
and registered ones (a cluster Secret, `argocd_cluster`, `argocd cluster add`). The Terraform
provider checks the destination at apply time (`validate = true`, its default): an application
whose cluster is not registered fails to apply; a YAML Application shows "cluster not found".
When the cluster is registered outside this repository, declare it — `registeredClusters` in
.otelstack.yaml (or `argocd.registeredClusters` in the stack definition) — and the finding goes.
A tree that registers no cluster at all registers them elsewhere: there the destination is said
not checked (info, once per cluster), not guessed.

Problematic:
    destination {
      server    = "https://prod.k8s.example.com"   # registered nowhere in this tree
      namespace = "beyla"
    }
Correct:
    # .otelstack.yaml
    registeredClusters: [https://prod.k8s.example.com]   # registered by the platform team's cluster module
"""

import difflib

from otelstack.fleet.expand import IN_CLUSTER_NAME, IN_CLUSTER_SERVER
from otelstack.validate.finding import Problem
from otelstack.validate.rules.base import Context

ID = "argocd-destination-unregistered"
SEVERITY = "warning"
GROUP = "argocd"


def _known(ctx: Context) -> set[str]:
    known = {IN_CLUSTER_SERVER, IN_CLUSTER_NAME} | {c.rstrip("/") for c in ctx.platform.registered_clusters}
    for cluster in ctx.platform.clusters:
        known.add(cluster.name)
        if isinstance(cluster.server, str):
            known.add(cluster.server.rstrip("/"))
    return known


def check(ctx: Context):
    known = _known(ctx)
    # Without any cluster registration in the tree (nor declared), clusters are registered elsewhere
    # (`argocd cluster add`): whether this one is, is not something the tree can tell
    registers = bool(ctx.platform.clusters or ctx.platform.registered_clusters)
    unregistered: dict[tuple[str, str], list] = {}
    for app in ctx.platform.argocd_applications:
        if app.origin.startswith("appset"):
            continue  # a generator's cluster is registered by definition
        if app.origin == "terraform" and app.raw is not None and app.raw.get(("validate",)) is False:
            continue  # the provider does not check the destination
        destination = app.get("spec", "destination")
        if not isinstance(destination, dict):
            continue
        for key in ("server", "name"):
            target = destination.get(key)
            if not isinstance(target, str) or not target.strip() or target.rstrip("/") in known:
                continue
            unregistered.setdefault((key, target), []).append(app)
    hint = ("register it here (argocd_cluster, or a cluster Secret), or declare it in .otelstack.yaml registeredClusters "
            "(stack definition: argocd.registeredClusters)")
    for (key, target), apps in unregistered.items():
        if not registers:
            names = [a.label for a in apps]
            shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
            yield Problem(apps[0].loc("spec", "destination", key),
                          f"application{'s' if len(apps) > 1 else ''} {shown}: whether Argo CD knows the destination {key} {target!r} "
                          "is not checked: nothing in this tree registers clusters (they are added elsewhere, `argocd cluster add`?)",
                          hint, not_checked=True)
            continue
        for app in apps:
            consequence = ("terraform apply fails (the provider validates the destination)" if app.origin in ("terraform", "stack")
                           else "Argo CD reports the application's cluster as not found")
            close = difflib.get_close_matches(target.rstrip("/"), sorted(known - {IN_CLUSTER_SERVER, IN_CLUSTER_NAME}), n=1, cutoff=0.8)
            yield Problem(app.loc("spec", "destination", key),
                          f"application {app.label}: destination {key} {target!r} is not registered by anything in this tree: {consequence} "
                          "unless Argo CD already knows it",
                          f"did you mean {close[0]!r}? Else {hint}" if close else hint)
