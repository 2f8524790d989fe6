"""ApplicationSet generator that needs a live Argo CD: its applications are not checked offline.

The SCM provider, pull request, cluster-decision resource and plugin generators ask services
outside the repository; a git generator reading another repository needs the repo server. The
template is still checked for what needs no parameters. A git generator over the repository being
validated (its repoURL is one of the repository's remotes) is expanded from the local clone.

Problematic:
    generators: [{pullRequest: {github: {owner: example, repo: platform}}}]
Correct:
    nothing to fix: preview the applications with `argocd appset generate` against a running Argo CD
"""

from otelstack.validate.rules._fleet import as_problems
from otelstack.validate.rules.base import Context

ID = "fleet-live-generator"
SEVERITY = "info"
GROUP = "fleet"


def check(ctx: Context):
    return as_problems(ctx, "live", hint="`argocd appset generate` previews it against a running Argo CD")
