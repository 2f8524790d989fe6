"""Argo CD application without metadata.name or metadata.namespace.

Without a name the provider or the API server rejects the application; without a namespace it is
created in whatever namespace the client defaults to, where Argo CD does not look for applications.
Not demanded where something else sets it: the ApplicationSet controller (generated applications)
the parent application that syncs this one (its destination namespace, app of apps), or the
namespace a Helm chart, Jsonnet file or kustomization that renders it is applied in.

Problematic:
    resource "argocd_application" "beyla" {
      spec { ... }
    }
Correct:
    resource "argocd_application" "beyla" {
      metadata {
        name      = "beyla"
        namespace = "argocd"
      }
      spec { ... }
    }
"""

from otelstack.source import is_unknown
from otelstack.validate.finding import Problem
from otelstack.validate.rules.base import Context

ID = "argocd-app-metadata"
SEVERITY = "error"
GROUP = "argocd"


def check(ctx: Context):
    for app in ctx.platform.argocd_applications:
        metadata = app.get("metadata")
        if not isinstance(metadata, dict):
            yield Problem(app.loc(), f"application {app.address} has no metadata: it needs a name and the Argo CD namespace",
                          'add metadata { name = "...", namespace = "argocd" }' if app.origin == "terraform" else "add metadata.name and metadata.namespace")
            continue
        for key in ("name", "namespace"):
            if key == "namespace" and (app.origin.startswith("appset") or (app.obj is not None and (app.obj.deployers or app.obj.folder))):
                # set by the ApplicationSet controller, by the application that syncs it (app of apps), or where a
                # chart, Jsonnet or kustomization it is rendered from is applied (`helm template --namespace`)
                continue
            value = metadata.get(key)
            if value is None or (isinstance(value, str) and not value.strip()):
                hint = "the namespace Argo CD watches for applications, usually argocd" if key == "namespace" else ""
                yield Problem(app.key_loc("metadata"), f"application {app.address} has no metadata.{key}", hint)
            elif is_unknown(value):
                continue
