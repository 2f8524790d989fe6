"""ApplicationSet features newer than the Argo CD version the platform declares.

ApplicationSets need Argo CD 2.5 (goTemplate with it), progressive sync (`strategy`) 2.6,
`templatePatch` 2.10. Argo CD checks these only at apply time; declare the version in the stack
definition (argocd.version) so they are caught before merge.

Problematic (argocd.version: "2.5"):
    spec: {strategy: {type: RollingSync, ...}}
Correct:
    declare argocd.version: "2.6" or later, or drop the strategy
"""

from otelstack import versions
from otelstack.validate.finding import Problem
from otelstack.validate.rules.base import Context

ID = "fleet-argocd-version"
SEVERITY = "error"
GROUP = "fleet"

FEATURES = (
    ((), "2.5", "ApplicationSets"),
    (("spec", "strategy"), "2.6", "progressive sync (strategy)"),
    (("spec", "templatePatch"), "2.10", "templatePatch"),
)


def check(ctx: Context):
    declared = ctx.platform.argocd_version
    for appset in ctx.platform.application_sets:
        for path, minimum, feature in FEATURES:
            if path and appset.doc.get(path) is None:
                continue
            if versions.at_least(declared, minimum) is False:
                yield Problem(appset.doc.key_location(path) if path else appset.doc.location(),
                              f"ApplicationSet {appset.label}: {feature} need Argo CD {minimum}; the platform declares {declared}",
                              "upgrade Argo CD and raise argocd.version in the stack definition (or .otelstack.yaml argocdVersion)")
