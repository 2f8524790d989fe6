"""Committed render output differs from what the stack definition renders.

CI deploys what is committed; when the stack definition changed but `otelstack render` was not
run, the two disagree and reviewers read the wrong files. `otelstack render --check` shows the diff.

Problematic:
    otelstack.yaml says collector.replicas: 3; manifests/rendered/production/collector.yaml says 2
Correct:
    run `otelstack render` and commit its output with the change
"""

from otelstack.validate.finding import Problem
from otelstack.validate.rules.base import Context

ID = "render-stale"
SEVERITY = "error"
GROUP = "syntax"

_WHAT = {"create": "is missing", "update": "is out of date", "delete": "is no longer rendered"}


def check(ctx: Context):
    for kind, location, stack in ctx.platform.stale:
        yield Problem(location, f"{location.file} {_WHAT[kind]}: it does not match {stack}",
                      "run `otelstack render` and commit the result (`otelstack render --check` shows the diff)")
