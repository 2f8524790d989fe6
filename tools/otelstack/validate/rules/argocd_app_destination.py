"""Argo CD application without spec.destination, its cluster (server or name) or its namespace.

An Argo CD application without a usable destination: spec.destination and a cluster (server or
name); and a namespace wherever something it deploys needs one — a Helm chart's namespaced objects,
or manifests without their own `metadata.namespace`. A source of cluster-scoped objects only
(Namespaces, ClusterRoles, CRDs) needs none; one whose content otelstack cannot see is not checked.

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
        if destination.get("namespace") is None and _needs_namespace(ctx, app):
            yield Problem(app.key_loc("spec", "destination"), f"application {app.label}: destination has no namespace",
                          "set destination.namespace: the namespaced objects it deploys without a namespace of their own go there")


# Kinds that live outside namespaces (those a platform repo deploys).
CLUSTER_SCOPED = {"Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "StorageClass", "PriorityClass",
                  "PersistentVolume", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "APIService",
                  "ClusterIssuer", "IngressClass", "RuntimeClass", "CSIDriver", "ClusterSecretStore"}


def _needs_namespace(ctx: Context, app) -> bool:
    if any(source.is_helm_repo for source in app.sources):
        return True
    unseen = {id(a) for a, _ in ctx.unseen_content()}
    if id(app) in unseen:
        return False  # not checked: what it deploys is not visible here
    return any(app in obj.deployers and obj.kind not in CLUSTER_SCOPED and not obj.doc.get(("metadata", "namespace"))
               for obj in ctx.platform.objects)
