"""Matrix generator without exactly two child generators: the controller rejects it.

Problematic:
    generators: [{matrix: {generators: [{clusters: {}}, {list: {elements: [...]}}, {list: {...}}]}}]
Correct:
    generators: [{matrix: {generators: [{clusters: {}}, {list: {elements: [...]}}]}}]
"""

from otelstack.validate.rules._fleet import as_problems
from otelstack.validate.rules.base import Context

ID = "fleet-matrix-generator"
SEVERITY = "error"
GROUP = "fleet"


def check(ctx: Context):
    return as_problems(ctx, "matrix", hint="nest matrices to combine more than two generators")
