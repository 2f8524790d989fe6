"""ApplicationSet otelstack cannot expand offline: the generated applications are not checked.

Reported instead of guessing: a template construct outside the supported Go-template subset
(if/range/with, variables, functions other than the common Sprig ones), a templatePatch, a
generator that needs a live Argo CD (git, pull request, SCM provider, plugin...), or a clusters
generator in a tree that registers no cluster (they are registered elsewhere). Informational: the
limit is otelstack's, not a fault of the ApplicationSet.

Problematic:
    name: '{{ if eq .name "prod" }}prod{{ else }}{{ .name }}{{ end }}-beyla'
Correct:
    name: '{{ .nameNormalized }}-beyla'
"""

from otelstack.validate.rules._fleet import as_problems
from otelstack.validate.rules.base import Context

ID = "fleet-cannot-expand"
SEVERITY = "info"
GROUP = "fleet"


def check(ctx: Context):
    return as_problems(ctx, "unsupported", hint="simplify the template, or check the generated applications with `argocd appset generate`")
