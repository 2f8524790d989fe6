"""Destination namespace neither created by the application (CreateNamespace=true) nor declared.

On a new cluster the sync fails with "namespaces not found" unless the application creates it
(sync option CreateNamespace=true, optionally with managedNamespaceMetadata) or a Namespace object
for it is part of the tree.

Problematic:
    sync_policy { sync_options = ["ServerSideApply=true"] }   # destination namespace "beyla"
Correct:
    sync_policy { sync_options = ["CreateNamespace=true", "ServerSideApply=true"] }
"""

from otelstack.validate.finding import Problem
from otelstack.validate.rules.base import Context

ID = "argocd-namespace-not-created"
SEVERITY = "error"
GROUP = "argocd"

PREEXISTING = {"default", "kube-system", "kube-public", "kube-node-lease"}


def check(ctx: Context):
    declared = ctx.platform.declared_namespaces()
    for app in ctx.platform.argocd_applications:
        namespace = app.destination_namespace
        if not isinstance(namespace, str) or namespace in PREEXISTING or namespace in declared:
            continue
        creates = app.has_sync_option("CreateNamespace=true")
        if creates is not False:
            continue
        managed = app.get("spec", "syncPolicy", "managedNamespaceMetadata") is not None
        hint = ("managedNamespaceMetadata only applies together with CreateNamespace=true" if managed
                else "add the sync option CreateNamespace=true, or a Namespace object to the tree")
        yield Problem(app.loc("spec", "destination", "namespace"),
                      f"application {app.label}: namespace {namespace!r} is not created by the application nor declared in the tree", hint)
