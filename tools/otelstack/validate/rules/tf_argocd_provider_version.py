"""Provider argument that only some of the versions the tree's constraint admits have.

`required_providers { argocd = { version = "~> 7.0" } }` lets `terraform init` pick any 7.x; an
argument added in 7.5.0 then works with a fresh lock file and fails `terraform validate` wherever
an older 7.x is locked or mirrored. otelstack knows which provider release added (or removed) each
argument of argocd_application, argocd_application_set and argocd_cluster.

Problematic (with version = "~> 7.0"):
    spec { source { helm { skip_schema_validation = true } } }   # from 7.12.5
Correct:
    version = ">= 7.12.5, < 8.0.0"
"""

from otelstack.validate.finding import Problem
from otelstack.validate.rules._tf_schema import issues
from otelstack.validate.rules.base import Context

ID = "tf-argocd-provider-version"
SEVERITY = "warning"
GROUP = "argocd"


def check(ctx: Context):
    for issue in issues(ctx):
        if issue.partial:
            yield Problem(issue.location, issue.message, issue.hint)
