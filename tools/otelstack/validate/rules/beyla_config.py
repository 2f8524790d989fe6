"""Beyla configuration (chart config.data, a mounted beyla-config.yml, BEYLA_* variables) the deployed Beyla does not take.

Wherever Beyla runs (its chart, or a DaemonSet/Deployment with its image), its configuration file
(the chart's `config.data`, or the ConfigMap key the container reads at BEYLA_CONFIG_PATH) and its
BEYLA_* environment variables are checked against the Beyla release deployed. The chart writes
`config.data` verbatim into beyla-config.yml. Beyla decodes it leniently: an
unknown key (a typo, a key of another release) is ignored without a word, so the setting is
silently off; a wrong shape fails at start-up (`discovery.services` is a list of selectors: a
mapping there stops Beyla). otelstack checks it against Beyla's config structs for the Beyla
release the chart deploys (its appVersion, or image.tag), from tools/otelstack/data/beyla/.

Problematic (chart 1.4.13, Beyla 1.8.8):
    config: {data: {discovery: {services: {k8s_namespace: demo}}, otel_traces_export: {endpiont: ...}}}
Correct:
    config: {data: {discovery: {services: [{k8s_namespace: demo}]}, otel_traces_export: {endpoint: ...}}}
"""

import difflib

from otelstack.validate.finding import Problem
from otelstack.validate.rules._beyla import deployments
from otelstack.validate.rules.base import Context

ID = "beyla-config"
SEVERITY = "error"
GROUP = "helm"


def check(ctx: Context):
    from otelstack.knowledge.beyla_config import check as check_config, knowledge
    from otelstack.knowledge.schema import env_value_problem

    for beyla in deployments(ctx):
        if beyla.unchecked or beyla.version is None:
            continue
        if beyla.config is not None:
            yield from check_config(beyla.config, beyla.version, ())
        keys = knowledge().keys_by_env(beyla.version)
        names = set(keys) | GENERAL_ENV
        for name, (value, location) in beyla.env.items():
            if name.startswith("BEYLA_") and name not in names:
                close = difflib.get_close_matches(name, sorted(names), n=1, cutoff=0.8)
                yield Problem(location, f"Beyla {beyla.version} reads no environment variable {name}: it is ignored without a word",
                              f"did you mean {close[0]}?" if close else "check the variable's name against Beyla's documentation")
            elif name in keys and isinstance(value, str):
                wrong = env_value_problem(knowledge().root, keys[name], value, beyla.version)
                if wrong:
                    yield Problem(location, f"Beyla {beyla.version}: {name} (configuration key {keys[name]}) {wrong}: "
                                            "Beyla fails at start-up parsing it", "")


# Read by Beyla itself rather than mapped to one configuration key.
GENERAL_ENV = {"BEYLA_CONFIG_PATH"}
