"""Destination namespace neither created by the application (CreateNamespace=true) nor declared.

On a new cluster the sync fails with "namespaces not found" unless the application creates it
(sync option CreateNamespace=true, optionally with managedNamespaceMetadata) or a Namespace object
for it is part of the tree (YAML, or Terraform's kubernetes_namespace), or another application
creates it (CreateNamespace=true to the same namespace). Checked only where the tree
can know: for Argo CD's own cluster and not for the Argo CD namespace itself. While some application
of the tree deploys content otelstack cannot see (a directory of another repository, or one it
cannot render), which could create it, the finding says "not checked" (info) and why.

Problematic:
    sync_policy { sync_options = ["ServerSideApply=true"] }   # destination namespace "beyla"
Correct:
    sync_policy { sync_options = ["CreateNamespace=true", "ServerSideApply=true"] }
"""

from otelstack.fleet.expand import IN_CLUSTER_NAME, IN_CLUSTER_SERVER
from otelstack.validate.finding import Problem
from otelstack.validate.rules.base import Context

ID = "argocd-namespace-not-created"
SEVERITY = "error"
GROUP = "argocd"

PREEXISTING = {"default", "kube-system", "kube-public", "kube-node-lease"}


def check(ctx: Context):
    declared = ctx.platform.declared_namespaces() | _created_by_applications(ctx)
    for app in ctx.platform.argocd_applications:
        namespace = app.destination_namespace
        if not isinstance(namespace, str) or namespace in PREEXISTING or namespace in declared:
            continue
        if namespace == (app.get("metadata", "namespace") or "argocd"):
            continue  # the Argo CD namespace exists wherever the application does
        if not _in_cluster(app):
            continue  # another cluster: what exists there is not in this tree
        creates = app.has_sync_option("CreateNamespace=true")
        if creates is not False:
            continue
        managed = app.get("spec", "syncPolicy", "managedNamespaceMetadata") is not None
        hint = ("managedNamespaceMetadata only applies together with CreateNamespace=true" if managed
                else "add the sync option CreateNamespace=true, or a Namespace object to the tree")
        where = app.loc("spec", "destination", "namespace")
        unseen = ctx.unseen_summary(near=app.file.path)  # what some application deploys is not visible: any namespace could come from it
        if unseen:
            yield Problem(where, f"application {app.label}: whether anything creates namespace {namespace!r} is not checked: {unseen}",
                          hint, not_checked=True)
        else:
            yield Problem(where, f"application {app.label}: namespace {namespace!r} is not created by the application nor declared in the tree", hint)


def _created_by_applications(ctx: Context) -> set:
    """Namespaces another application of Argo CD's own cluster creates (CreateNamespace=true)."""
    return {app.destination_namespace for app in ctx.platform.argocd_applications
            if isinstance(app.destination_namespace, str) and app.has_sync_option("CreateNamespace=true") is True
            and _in_cluster(app)}


def _in_cluster(app) -> bool:
    server, name = app.get("spec", "destination", "server"), app.get("spec", "destination", "name")
    return server == IN_CLUSTER_SERVER or (server is None and name == IN_CLUSTER_NAME)
