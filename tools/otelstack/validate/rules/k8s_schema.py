"""Kubernetes objects and known CRDs against their schemas.

Kubernetes objects against the schema of their kind: core kinds for the selected Kubernetes
version (validate.kubernetesVersion, or --kubernetes-version), and the CRDs otelstack knows
(OpenTelemetryCollector v1alpha1/v1beta1, Instrumentation, Argo CD Application).

Every error in an object is reported, each at its own line, with a suggestion for misspelt keys.

Problematic:
    spec:
      mode: deploymnet
      config: "receivers: ..."        # v1beta1 wants an object
Correct:
    spec:
      mode: deployment
      config:
        receivers: ...
"""

from otelstack import schemacheck
from otelstack.validate.finding import Problem
from otelstack.validate.rules.base import Context

ID = "k8s-schema"
SEVERITY = "error"
GROUP = "kubernetes"


def check(ctx: Context):
    store = ctx.schemas
    for obj in ctx.platform.objects:
        schema = store.kind_schema(obj.api_version, obj.kind)
        if schema is None:
            continue
        name = obj.name if isinstance(obj.name, str) else "?"
        for problem in schemacheck.check(schema.validator, obj.doc, schema=schema.schema, resolve=schema.resolve):
            yield Problem(problem.location, f"{obj.kind} {name}: {problem.message}", problem.hint)
