"""Third-party source tracking HEAD, a branch or nothing instead of a pinned version, tag or commit.

Argo CD then deploys whatever the other project pushes next, with no review in this repo: the
deploy works, but what it deploys changes without a change here (a reviewer asks for a pin). Pin
a chart version (Helm repository) or a tag or commit (git). The platform repo's own directory
sources may track a branch: that branch is what this repo reviews; so may another repository of the
same owner (organisation), reviewed by the same people.

Problematic:
    source {
      repo_url        = "https://github.com/grafana/beyla.git"
      path            = "charts/beyla"
      target_revision = "main"
    }
Correct:
    source {
      repo_url        = "https://grafana.github.io/helm-charts"
      chart           = "beyla"
      target_revision = "1.4.13"
    }
"""

import re

from otelstack import versions
from otelstack.source import is_unknown
from otelstack.validate.finding import Problem
from otelstack.validate.rules.base import Context

ID = "argocd-unpinned-revision"
SEVERITY = "warning"
GROUP = "argocd"

RANGE = re.compile(r"[*^~<>|]|(^|\.)x(\.|$)")
COMMIT = re.compile(r"^[0-9a-f]{7,40}$")


def is_range(revision: str) -> bool:
    return bool(RANGE.search(revision))


def check(ctx: Context):
    for app in ctx.platform.argocd_applications:
        for source in app.sources:
            if ctx.platform.is_own_source(source, app) or is_unknown(source.repo_url):
                continue
            if not source.is_helm_repo and ctx.platform.is_platform_owner(source.repo_url):
                continue  # a repository of the platform's own organisation: reviewed by the same people
            revision = source.target_revision
            if is_unknown(revision):
                continue
            where = app.loc(*source.base, "targetRevision") if revision is not None else app.key_loc(*source.base)
            text = revision.strip() if isinstance(revision, str) else ""
            if not text or text.upper() == "HEAD":
                yield Problem(where, f"application {app.label}: {source.repo_url} is tracked at {'HEAD' if text else 'no revision (HEAD)'}",
                              "pin a chart version or a git tag/commit in target_revision")
                continue
            if is_range(text) or versions.is_exact(text) or COMMIT.match(text):
                continue
            if source.knowledge is not None and source.knowledge.chart_for_git_ref(text) is not None:
                continue  # a known tag of that repository
            kind = "chart version" if source.is_helm_repo else "branch"
            yield Problem(where, f"application {app.label}: target revision {text!r} of {source.repo_url} looks like a {kind} that moves",
                          "pin an exact chart version or a git tag/commit; if this is a tag, suppress this finding with the reason")
