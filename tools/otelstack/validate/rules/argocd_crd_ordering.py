"""Application deploying operator custom resources with nothing making it wait for the CRDs.

Collector or Instrumentation resources deployed by an application that does not wait for the
operator's CRDs.

Argo CD does not order separate applications (sync waves order resources inside one application
only). Created together, the collector application's dry run fails on the missing CRD and the sync
stops. Make it converge: give it SkipDryRunOnMissingResource=true and a retry policy, and in
Terraform create it after the operator application (`depends_on`, with `wait = true` on the operator).

Problematic:
    resource "argocd_application" "collector" {
      spec { sync_policy { sync_options = ["CreateNamespace=true"] } ... }
    }
Correct:
    resource "argocd_application" "collector" {
      depends_on = [argocd_application.operator]   # operator has wait = true
      spec {
        sync_policy {
          sync_options = ["CreateNamespace=true", "SkipDryRunOnMissingResource=true"]
          retry { limit = "10" backoff { duration = "15s" factor = "2" max_duration = "5m" } }
        }
      }
    }
"""

from otelstack.validate.finding import Problem
from otelstack.validate.rules.base import Context

ID = "argocd-crd-ordering"
SEVERITY = "warning"
GROUP = "argocd"

OPERATOR_KINDS = {"OpenTelemetryCollector", "Instrumentation", "OpAMPBridge"}


def check(ctx: Context):
    operators = [app for app, _ in ctx.chart_sources("opentelemetry-operator")]
    if not operators:
        return
    # Terraform operator applications that others can wait for (a set: a fleet has thousands of applications)
    waited = {op.address for op in operators if op.origin == "terraform" and op.wait is True}
    operator_ids = {id(op) for op in operators}
    kinds_by_app: dict[int, set] = {}
    for obj in ctx.platform.objects:
        if obj.kind in OPERATOR_KINDS:
            for deployer in obj.deployers:
                kinds_by_app.setdefault(id(deployer), set()).add(obj.kind)
    for app in ctx.platform.argocd_applications:
        kinds = kinds_by_app.get(id(app), set())
        if not kinds or id(app) in operator_ids:
            continue
        skip_dry_run = app.has_sync_option("SkipDryRunOnMissingResource=true")
        retry = app.get("spec", "syncPolicy", "retry") is not None
        converges = skip_dry_run is not False and retry
        ordered = _waits_for_operator(app, operators, waited)
        if converges or ordered:
            continue
        missing = []
        if skip_dry_run is False:
            missing.append("SkipDryRunOnMissingResource=true")
        if not retry:
            missing.append("a retry policy")
        yield Problem(app.loc("spec", "syncPolicy") if app.get("spec", "syncPolicy") is not None else app.loc("spec"),
                      f"application {app.label} deploys {', '.join(sorted(kinds))} but nothing makes it wait for the operator's CRDs "
                      f"(missing: {', '.join(missing)})",
                      "sync waves do not order separate applications: add the sync option and retry, and in Terraform depends_on the operator application with wait = true")


def _waits_for_operator(app, operators, waited: set) -> bool:
    if app.origin == "stack":
        return any(f"application.{op.name}" in app.depends_on and op.wait is True for op in operators)
    return any(reference in waited for reference in app.depends_on)
