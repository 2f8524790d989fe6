"""Argo CD application without spec.project (the provider falls back to `default`).

The provider then uses the `default` project, which allows every source and destination: an
application meant for a restricted project silently escapes its limits. A YAML ApplicationSet's
template without one is refused by the API server (its schema requires the project), checked on
the template even when the ApplicationSet cannot be expanded offline.

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
    templates_seen: set[str] = set()
    for app in ctx.platform.applications:
        spec = app.get("spec")
        if app.origin == "terraform" and isinstance(spec, dict) and spec.get("project") is None:
            yield Problem(app.key_loc("spec"), f"application {app.label} has no spec.project: it is created in the `default` project",
                          'set project = "default" explicitly, or the project that restricts this application')
        elif app.origin in ("appset-yaml", "appset-template") and app.file.kind == "yaml" and isinstance(spec, dict) \
                and spec.get("project") is None and app.generated_by not in templates_seen:
            # an ApplicationSet's template: Application's spec.project is required (the CRD's schema)
            templates_seen.add(app.generated_by)
            yield Problem(app.key_loc("spec"), f"ApplicationSet template ({app.generated_by}) has no spec.project: "
                                               "the API server refuses the ApplicationSet", "set spec.project in the template")
