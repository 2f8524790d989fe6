"""Beyla configuration (the Beyla chart's config.data) with keys or values the deployed Beyla does not take.

The chart writes `config.data` verbatim into beyla-config.yml. Beyla decodes it leniently: an
unknown key (a typo, a key of another release) is ignored without a word, so the setting is
silently off; a wrong shape fails at start-up (`discovery.services` is a list of selectors: a
mapping there stops Beyla). otelstack checks it against Beyla's config structs for the Beyla
release the chart deploys (its appVersion, or image.tag), from tools/otelstack/data/beyla/.

Problematic (chart 1.4.13, Beyla 1.8.8):
    config: {data: {discovery: {services: {k8s_namespace: demo}}, otel_traces_export: {endpiont: ...}}}
Correct:
    config: {data: {discovery: {services: [{k8s_namespace: demo}]}, otel_traces_export: {endpoint: ...}}}
"""

from otelstack.validate.rules._knowledge import beyla_releases
from otelstack.validate.rules.base import Context

ID = "beyla-config"
SEVERITY = "error"
GROUP = "helm"


def check(ctx: Context):
    from otelstack.knowledge.beyla_config import check as check_config

    for release in beyla_releases(ctx):
        source = release.source
        if release.unchecked or release.version is None or source.values is None or source.values_unknown:
            continue
        if not isinstance(source.values.get(("config", "data")), dict):
            continue
        for problem in check_config(source.values, release.version, ("config", "data")):
            yield problem
