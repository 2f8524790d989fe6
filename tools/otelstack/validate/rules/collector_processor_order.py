"""Pipeline processors in an order reviewers ask to change: memory_limiter not first, batch before k8sattributes.

`memory_limiter` refuses data when the collector is near its limit; placed after other processors,
they have already spent the memory it is there to protect, so it goes first. `batch` regroups
data and drops each request's context (the client's address, the gRPC/HTTP metadata):
`k8sattributes` after it can no longer associate telemetry with the pod that sent it, so batch
goes after processors that need the original context.

Problematic:
    processors: [batch, k8sattributes, memory_limiter]
Correct:
    processors: [memory_limiter, k8sattributes, batch]
"""

from otelstack.validate.finding import Problem
from otelstack.validate.rules._collector import configs, pipelines
from otelstack.validate.rules.base import Context

ID = "collector-processor-order"
SEVERITY = "warning"
GROUP = "collector"
NEEDS_CONTEXT = ("k8sattributes",)


def check(ctx: Context):
    for collector, config in configs(ctx):
        for name, pipeline in pipelines(config).items():
            processors = pipeline.get("processors") if isinstance(pipeline, dict) else None
            if not isinstance(processors, list):
                continue
            kinds = [p.split("/", 1)[0] if isinstance(p, str) else "" for p in processors]
            base = ("service", "pipelines", name, "processors")
            for index, kind in enumerate(kinds):
                if kind == "memory_limiter" and index > 0:
                    yield Problem(config.location(base + (index,)),
                                  f"collector {collector.label}: pipeline {name!r} runs memory_limiter after {processors[0]!r}: "
                                  "the processors before it spend the memory it is there to protect",
                                  "put memory_limiter first in the pipeline's processors")
            batches = [i for i, kind in enumerate(kinds) if kind == "batch"]
            for index, kind in enumerate(kinds):
                if kind in NEEDS_CONTEXT and batches and batches[0] < index:
                    yield Problem(config.location(base + (batches[0],)),
                                  f"collector {collector.label}: pipeline {name!r} runs batch before {processors[index]!r}: "
                                  "batch drops the request context (client address, metadata) that it needs to find the pod",
                                  f"put batch after {processors[index]!r}")
