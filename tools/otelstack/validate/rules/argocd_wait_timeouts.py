"""`wait = true` on an application that owns CRDs, with the provider's default 5-minute timeouts.

With `wait = true` the provider polls until the application is Synced and Healthy, for at most its
default timeouts (5 minutes). A first install of the operator or cert-manager (image pulls,
webhooks, CRDs) can take longer: the create fails after the Application exists, Terraform marks it
tainted, and the next apply replaces it — with `cascade = true` (the default), deleting what it
deployed, CRDs included, and with the CRDs every custom resource in the cluster (collectors,
Instrumentations, Certificates).

Problematic:
    resource "argocd_application" "operator" {
      wait = true
      spec { source { chart = "opentelemetry-operator" ... } }
    }
Correct:
    resource "argocd_application" "operator" {
      wait = true
      timeouts {
        create = "15m"
        update = "15m"
        delete = "15m"
      }
      spec { source { chart = "opentelemetry-operator" ... } }
    }
"""

from otelstack.validate.finding import Problem
from otelstack.validate.rules.base import Context

ID = "argocd-wait-timeouts"
SEVERITY = "warning"
GROUP = "argocd"

# Charts otelstack knows to install CRDs by default (the operator: crds.create; cert-manager: crds.enabled
# in the stack, installCRDs in older charts).
CRD_CHARTS = {"opentelemetry-operator", "cert-manager"}


def _owns_crds(ctx: Context, app) -> bool:
    if app.components() & CRD_CHARTS:
        return True
    return any(obj.kind == "CustomResourceDefinition" and app in obj.deployers for obj in ctx.platform.objects)


def check(ctx: Context):
    for app in ctx.platform.argocd_applications:
        if app.origin != "terraform" or app.raw is None or app.wait is not True:
            continue
        timeouts = app.raw.get(("timeouts",))
        if isinstance(timeouts, list) and timeouts:
            continue
        if not _owns_crds(ctx, app):
            continue
        yield Problem(app.raw.location(("wait",)),
                      f"{app.address}: waits with the provider's default 5-minute timeouts and deploys CRDs: a slow first sync fails the "
                      "create, Terraform taints the application, and the next apply replaces it with cascade = true, deleting its CRDs "
                      "and every custom resource of them",
                      'add timeouts { create = "15m" update = "15m" delete = "15m" } (or longer)')
