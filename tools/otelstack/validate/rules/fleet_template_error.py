"""ApplicationSet template that fails for a cluster: a key the cluster's parameters do not have.

With goTemplate and `missingkey=error` (as otelstack's ApplicationSets use), the controller
refuses to generate the application for that cluster; without it, the value is silently empty.

Problematic:
    targetRevision: '{{ .metadata.annotations.beyla_version }}'   # one cluster lacks the annotation
Correct:
    give every selected cluster the annotation, or `{{ index .metadata.annotations "beyla_version" | default "1.4.13" }}`
"""

from otelstack.validate.rules._fleet import as_problems
from otelstack.validate.rules.base import Context

ID = "fleet-template-error"
SEVERITY = "error"
GROUP = "fleet"


def check(ctx: Context):
    return as_problems(ctx, "missing-key", hint="add the label or annotation to the cluster's registration, or guard it with index ... | default")
