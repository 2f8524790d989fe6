"""ApplicationSet template the controller fails to render for a parameter set: no application.

With `goTemplate: true` the controller runs Go's text/template with Sprig and Argo CD's own
functions: a function it does not define (`{{ name }}` instead of `{{ .name }}`) fails the parse,
a key the parameters lack fails with `missingkey=error`, a failing function (`fail`, a wrong
argument type) fails the execution. Without goTemplate a `{{` that is never closed fails. Generator
errors count too: a matrix whose parameters clash, a merge whose keys are not unique. The
controller then generates nothing for that parameter set (and reports the ApplicationSet in error).

Problematic:
    targetRevision: '{{ .metadata.annotations.beyla_version }}'   # one cluster lacks the annotation
    name: '{{ name }}-beyla'                                        # goTemplate: `name` is no function
Correct:
    give every selected cluster the annotation, or `{{ index .metadata.annotations "beyla_version" | default "1.4.13" }}`;
    name: '{{ .name }}-beyla'
"""

from otelstack.validate.rules._fleet import as_problems
from otelstack.validate.rules.base import Context

ID = "fleet-template-error"
SEVERITY = "error"
GROUP = "fleet"


def check(ctx: Context):
    return as_problems(ctx, "template-error", hint="fix the template (or the cluster's labels and annotations) so it renders for every parameter set")
