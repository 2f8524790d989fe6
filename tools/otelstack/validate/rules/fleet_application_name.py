"""Generated Application without a valid Kubernetes name: the controller cannot create it.

Application names must be DNS-1123 subdomains (lower-case letters, digits, `-` and `.`, at most
253 characters). Without goTemplate a placeholder the parameters lack stays in the output as
written (`{{cluster}}-beyla`), and with goTemplate but no missingkey option a missing key prints
`<no value>`: either way the API server refuses the Application and that cluster gets nothing.

Problematic:
    template: {metadata: {name: '{{cluster}}-beyla'}}      # the cluster generator's parameter is `name`
Correct:
    template: {metadata: {name: '{{name}}-beyla'}}
"""

from otelstack.validate.rules._fleet import as_problems
from otelstack.validate.rules.base import Context

ID = "fleet-application-name"
SEVERITY = "error"
GROUP = "fleet"


def check(ctx: Context):
    return as_problems(ctx, "invalid-name", hint="use the generator's parameter names (cluster generator: name, nameNormalized, server, metadata.labels.<k>)")
