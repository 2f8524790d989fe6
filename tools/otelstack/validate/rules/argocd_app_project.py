"""Argo CD application without spec.project (the provider falls back to `default`).

The provider then uses the `default` project, which allows every source and destination: an
application meant for a restricted project silently escapes its limits.

Problematic:
    spec { destination { ... } source { ... } }
Correct:
    spec {
      project = "platform"
      destination { ... }
      source { ... }
    }
"""

from otelstack.validate.finding import Problem
from otelstack.validate.rules.base import Context

ID = "argocd-app-project"
SEVERITY = "warning"
GROUP = "argocd"


def check(ctx: Context):
    for app in ctx.platform.argocd_applications:
        spec = app.get("spec")
        if app.origin == "terraform" and isinstance(spec, dict) and spec.get("project") is None:
            yield Problem(app.key_loc("spec"), f"application {app.label} has no spec.project: it is created in the `default` project",
                          'set project = "default" explicitly, or the project that restricts this application')
