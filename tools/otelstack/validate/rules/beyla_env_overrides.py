"""A Beyla setting given twice, in its environment and in its configuration file: the environment wins.

Beyla reads its configuration file first and then its environment: a variable that is set
overrides the same key of the file. When both say something different, the file's value is dead
text a reader will trust. Informational: which one was meant is for the author to say.

Problematic:
    env:
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: http://otel-collector-collector.otel.svc.cluster.local:4317
    config:
      data:
        otel_traces_export:
          endpoint: http://old-collector-collector.otel.svc.cluster.local:4317
Correct:
    env:
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: http://otel-collector-collector.otel.svc.cluster.local:4317
"""

from otelstack.source import is_unknown
from otelstack.validate.finding import Problem
from otelstack.validate.rules._beyla import deployments
from otelstack.validate.rules.base import Context

ID = "beyla-env-overrides"
SEVERITY = "info"
GROUP = "helm"


def check(ctx: Context):
    from otelstack.knowledge.beyla_config import knowledge

    for beyla in deployments(ctx):
        if beyla.unchecked or beyla.version is None or beyla.config is None:
            continue
        for key, name in knowledge().env_of(beyla.version).items():
            if name not in beyla.env:
                continue
            path = tuple(key.split("."))
            in_file = beyla.config.get(path)
            value, location = beyla.env[name]
            if in_file is None or is_unknown(in_file) or is_unknown(value) or str(in_file) == str(value):
                continue
            yield Problem(beyla.config.location(path),
                          f"{beyla.what}: {key} is {in_file!s} in Beyla's configuration file, but {name} (line {location.line}) "
                          f"overrides it with {value!s}", f"keep one of them; Beyla uses {name}")
