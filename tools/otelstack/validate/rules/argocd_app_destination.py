"""Argo CD application without spec.destination, its cluster (server or name) or its namespace.

An Argo CD application without a usable destination: spec.destination, a cluster
(server or name) and a namespace.

Problematic:
    spec {
      source { ... }
    }
Correct:
    spec {
      destination {
        server    = "https://kubernetes.default.svc"
        namespace = "beyla"
      }
      source { ... }
    }
"""

from otelstack.validate.finding import Problem
from otelstack.validate.rules.base import Context

ID = "argocd-app-destination"
SEVERITY = "error"
GROUP = "argocd"


def check(ctx: Context):
    for app in ctx.platform.argocd_applications:
        spec = app.get("spec")
        if not isinstance(spec, dict):
            continue  # tf-argocd-schema / k8s-schema report a missing spec
        destination = spec.get("destination")
        if not isinstance(destination, dict):
            yield Problem(app.key_loc("spec"), f"application {app.label} has no spec.destination: Argo CD does not know where to deploy",
                          "set destination with server (e.g. https://kubernetes.default.svc) and namespace")
            continue
        if destination.get("server") is None and destination.get("name") is None:
            yield Problem(app.key_loc("spec", "destination"), f"application {app.label}: destination names no cluster", "set destination.server or destination.name")
        if destination.get("namespace") is None:
            yield Problem(app.key_loc("spec", "destination"), f"application {app.label}: destination has no namespace",
                          "set destination.namespace: the chart's namespaced objects go there")
