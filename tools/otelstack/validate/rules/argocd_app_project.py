"""Argo CD application without spec.project (the provider falls back to `default`).

The provider then uses the `default` project, which allows every source and destination: an
application meant for a restricted project silently escapes its limits. The same for the template
of an `argocd_application_set`, checked even when the ApplicationSet cannot be expanded offline
(a YAML ApplicationSet's template without a project fails k8s-schema: the CRD requires it).

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
    for app in ctx.platform.argocd_applications:
        spec = app.get("spec")
        if app.origin == "terraform" and isinstance(spec, dict) and spec.get("project") is None:
            yield Problem(app.key_loc("spec"), f"application {app.label} has no spec.project: it is created in the `default` project",
                          'set project = "default" explicitly, or the project that restricts this application')
        elif app.origin in ("appset-terraform", "appset-template") and app.file.kind == "hcl" and isinstance(spec, dict) \
                and spec.get("project") is None and app.generated_by not in templates_seen:
            templates_seen.add(app.generated_by)  # once per ApplicationSet, not per generated application
            yield Problem(app.key_loc("spec"), f"the template of ApplicationSet {app.generated_by} has no spec.project: "
                                               "its applications are created in the `default` project",
                          'set project = "default" explicitly in the template, or the project that restricts them')
