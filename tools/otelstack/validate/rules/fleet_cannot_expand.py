"""ApplicationSet otelstack cannot expand offline: the generated applications are not checked.

Reported instead of guessing: a Sprig function otelstack's template engine does not evaluate
while helm (whose engine has it) is not installed, a function whose result changes run to run,
a templatePatch, a git generator revision that is not in the local clone, generator values not
known before apply, or a clusters generator in a tree that registers no cluster (they are
registered elsewhere). Its template is still checked for what needs no parameters.
Informational: the limit is otelstack's, not a fault of the ApplicationSet.

Problematic:
    spec:
      templatePatch: |
        spec: {project: '{{ .project }}'}
Correct:
    put the field in the template itself, or check the generated applications with `argocd appset generate`
"""

from otelstack.validate.rules._fleet import as_problems
from otelstack.validate.rules.base import Context

ID = "fleet-cannot-expand"
SEVERITY = "info"
GROUP = "fleet"


def check(ctx: Context):
    return as_problems(ctx, "unsupported", hint="install helm (`make setup`), simplify the template, or check with `argocd appset generate`")
