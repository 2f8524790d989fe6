"""ApplicationSet whose clusters generator selects no declared cluster: it generates nothing.

Usually a label typo, or clusters registered without the label (otelstack's registrations carry
`otelstack.io/environment` and `enable_<component>`).

Problematic:
    generators: [{clusters: {selector: {matchLabels: {enable_beyla: "yes"}}}}]   # clusters say "true"
Correct:
    generators: [{clusters: {selector: {matchLabels: {enable_beyla: "true"}}}}]
"""

from otelstack.validate.rules._fleet import as_problems
from otelstack.validate.rules.base import Context

ID = "fleet-selector-no-match"
SEVERITY = "warning"
GROUP = "fleet"


def check(ctx: Context):
    return as_problems(ctx, "no-match", hint="compare the selector with the labels of the registered clusters")
