"""Generated application names that collide (across clusters, ApplicationSets, or with a hand-written one).

Names collide across the clusters of one ApplicationSet, between ApplicationSets, or with a
hand-written application in the same namespace. Argo CD keeps one Application per name: the controller reports a conflict and one cluster
silently misses its application.

Problematic:
    template: {metadata: {name: beyla}}                       # the same for every cluster
Correct:
    template: {metadata: {name: '{{ .nameNormalized }}-beyla'}}
"""

from otelstack.validate.finding import Problem
from otelstack.validate.rules.base import Context

ID = "fleet-name-collision"
SEVERITY = "error"
GROUP = "fleet"


def check(ctx: Context):
    seen: dict[tuple, object] = {}
    for app in ctx.platform.argocd_applications:
        name, namespace = app.get("metadata", "name"), app.get("metadata", "namespace")
        if not isinstance(name, str) or not isinstance(namespace, str):
            continue
        first = seen.get((name, namespace, app.scope[1]))
        if first is None:
            seen[(name, namespace, app.scope[1])] = app
            continue
        if not (app.origin.startswith("appset") or first.origin.startswith("appset")):
            continue  # two hand-written applications: a plain duplicate, not a fleet problem
        yield Problem(app.loc("metadata", "name"), f"application name {name!r} in {namespace} is generated twice: "
                                                   f"for {app.label} and for {first.label}",
                      "include the cluster in the template's name, e.g. '{{ .nameNormalized }}-<component>'")
