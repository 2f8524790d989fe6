"""Object of a kind/apiVersion without a known schema: not schema-checked.

Often a CRD otelstack does not know (fine), sometimes a misspelt kind or an apiVersion that does
not exist in the selected Kubernetes version (which the API server will refuse).

Problematic:
    apiVersion: apps/v1beta2
    kind: Deployment
Correct:
    apiVersion: apps/v1
    kind: Deployment
"""

from otelstack.validate.finding import Problem
from otelstack.validate.rules.base import Context

ID = "k8s-unknown-kind"
SEVERITY = "info"
GROUP = "kubernetes"


def check(ctx: Context):
    seen = set()
    for obj in ctx.platform.objects:
        key = (obj.api_version, obj.kind)
        if key in seen or ctx.schemas.kind_schema(obj.api_version, obj.kind) is not None:
            continue
        seen.add(key)
        custom = "." in str(obj.api_version).split("/", 1)[0]  # a CRD's group has a dot; built-in groups (apps, batch) do not
        yield Problem(obj.doc.location(("kind",)), f"no schema for {obj.kind} ({obj.api_version}) in Kubernetes {ctx.kubernetes_version} or otelstack's CRDs: not checked",
                      "a custom resource otelstack has no CRD schema for" if custom else "check the apiVersion if this is a built-in kind")
