"""Null component or section in a v1beta1 collector config (the operator drops it).

The operator drops nulls from a v1beta1 config: `batch:` with no value silently disappears and the
collector then fails at start (for example "no receiver configuration specified", or a pipeline
referencing a processor that no longer exists). Write `{}` / `[]` instead.

Problematic:
    processors:
      batch:
Correct:
    processors:
      batch: {}
"""

from otelstack.validate.finding import Problem
from otelstack.validate.rules._collector import SECTIONS, configs, pipelines
from otelstack.validate.rules.base import Context

ID = "collector-null-component"
SEVERITY = "error"
GROUP = "collector"


def check(ctx: Context):
    for collector, config in configs(ctx):
        if not str(collector.obj.api_version).endswith("/v1beta1"):
            continue
        data = config.data
        for section in SECTIONS:
            if section in data and data[section] is None:
                yield Problem(config.key_location((section,)), f"collector {collector.label}: {section} is null; the operator drops it",
                              f"write `{section}: {{}}` or remove it")
            elif isinstance(data.get(section), dict):
                for name, settings in data[section].items():
                    if settings is None:
                        yield Problem(config.key_location((section, name)), f"collector {collector.label}: {section[:-1]} {name!r} has no value; the operator drops it and the collector then misses it",
                                      f"write `{name}: {{}}`")
        for name, pipeline in pipelines(config).items():
            if isinstance(pipeline, dict):
                for key, value in pipeline.items():
                    if value is None:
                        yield Problem(config.key_location(("service", "pipelines", name, key)), f"collector {collector.label}: pipeline {name} {key} is null; the operator drops it",
                                      f"write `{key}: []` or list the components")
