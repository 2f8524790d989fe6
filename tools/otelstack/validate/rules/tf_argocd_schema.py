"""argocd_application, argocd_application_set or argocd_cluster that the provider's schema rejects.

Checked against the schema of the argoproj-labs/argocd provider at every version the tree's
`required_providers` constraint admits (tools/otelstack/data/terraform/argocd-provider.yaml, read
from the provider's Go schema definitions, v7.0.0 to the newest v7): arguments and blocks it does
not have, a block written as an argument (`automated = {...}`) or the reverse, wrong types
(`sync_options = "x"`), read-only fields, missing required items (an ApplicationSet's generator
and template name, a source's repo_url), block counts (a matrix generator takes exactly two),
generator nesting deeper than the provider allows, and arguments no admitted version has.
`terraform validate` catches these only once the provider is downloaded; otelstack reports them
before that. (An argument only some admitted versions have is tf-argocd-provider-version.)

Problematic:
    sync_policy {
      automated = { prune = true }
      sync_options = "CreateNamespace=true"
    }
Correct:
    sync_policy {
      automated { prune = true }
      sync_options = ["CreateNamespace=true"]
    }
"""

from otelstack.validate.finding import Problem
from otelstack.validate.rules._tf_schema import issues
from otelstack.validate.rules.base import Context

ID = "tf-argocd-schema"
SEVERITY = "error"
GROUP = "argocd"


def check(ctx: Context):
    for issue in issues(ctx):
        if not issue.partial:
            yield Problem(issue.location, issue.message, issue.hint)
