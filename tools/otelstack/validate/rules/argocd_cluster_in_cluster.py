"""`argocd_cluster` for Argo CD's own address (https://kubernetes.default.svc): apply always fails.

The provider's create lists the registered clusters first, and Argo CD always lists its built-in
in-cluster entry, so the create fails with "cluster with server address … already exists" — and
every resource depending on it (the ApplicationSets that select the cluster by label) is never
created. To give the in-cluster target labels, declare a cluster Secret for it
(`argocd.argoproj.io/secret-type: cluster`, `server: https://kubernetes.default.svc`) and let
something that can own a Secret manage it: an Argo CD application syncing it from the repository
(what otelstack's fleet environments do), or the Kubernetes provider.

Problematic:
    resource "argocd_cluster" "local" {
      server = "https://kubernetes.default.svc"
      metadata { labels = { enable_beyla = "true" } }
    }
Correct:
    # manifests/clusters/in-cluster.yaml, synced into the argocd namespace by an application:
    # kind: Secret, labels {argocd.argoproj.io/secret-type: cluster, enable_beyla: "true"},
    # stringData {name: in-cluster, server: https://kubernetes.default.svc, config: '{"tlsClientConfig":{"insecure":false}}'}
"""

from otelstack.fleet.expand import IN_CLUSTER_SERVER
from otelstack.validate.finding import Problem
from otelstack.validate.rules.base import Context

ID = "argocd-cluster-in-cluster"
SEVERITY = "error"
GROUP = "argocd"


def check(ctx: Context):
    for resource in ctx.platform.resources_of("argocd_cluster"):
        server = resource.get("server")
        if isinstance(server, str) and server.strip().rstrip("/") == IN_CLUSTER_SERVER:
            yield Problem(resource.loc("server"),
                          f"{resource.address}: Argo CD always has an in-cluster entry for {IN_CLUSTER_SERVER}: the provider's create "
                          "fails with \"cluster with server address ... already exists\", and whatever depends on it is never created",
                          "register the in-cluster target with a cluster Secret (label argocd.argoproj.io/secret-type: cluster) synced by an "
                          "Argo CD application or managed by the Kubernetes provider")
