"""Beyla configuration keys the deployed Beyla still reads but deprecates.

Beyla keeps a deprecated key working for a while (`discovery.services` became
`discovery.instrument` in 2.x; `network.enable` gave way to the network features), then drops
it: from then on Beyla ignores it without a word. Move to what replaces it while both work.
Checked against Beyla's config structs for the release deployed (tools/otelstack/data/beyla/).

Problematic (chart 1.10.4, Beyla 2.8.4):
    config: {data: {discovery: {services: [{k8s_namespace: demo}]}}}
Correct:
    config: {data: {discovery: {instrument: [{k8s_namespace: demo}]}}}
"""

from otelstack.validate.rules._beyla import deployments
from otelstack.validate.rules.base import Context

ID = "beyla-config-deprecated"
SEVERITY = "warning"
GROUP = "helm"


def check(ctx: Context):
    from otelstack.knowledge.beyla_config import check as check_config

    for beyla in deployments(ctx):
        if beyla.unchecked or beyla.version is None or beyla.config is None:
            continue
        yield from check_config(beyla.config, beyla.version, (), deprecated=True)
