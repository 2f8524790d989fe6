"""Shared reading of collector configurations for the collector-* rules."""

from __future__ import annotations

from typing import Any, Iterator

from otelstack.source import Located, Path
from otelstack.validate.model import Collector
from otelstack.validate.rules.base import Context

SECTIONS = ("receivers", "processors", "exporters", "connectors", "extensions")
PIPELINE_KEYS = {"receivers": ("receivers", "connectors"), "processors": ("processors",), "exporters": ("exporters", "connectors")}


def configs(ctx: Context) -> Iterator[tuple[Collector, Located]]:
    for collector in ctx.platform.collectors:
        if collector.config is not None and isinstance(collector.config.data, dict):
            yield collector, collector.config


def defined(config: Located, section: str) -> dict[str, Any]:
    value = config.data.get(section)
    return value if isinstance(value, dict) else {}


def pipelines(config: Located) -> dict[str, Any]:
    service = config.data.get("service")
    pipes = service.get("pipelines") if isinstance(service, dict) else None
    return pipes if isinstance(pipes, dict) else {}


def references(config: Located) -> Iterator[tuple[str, str, Path]]:
    """(pipeline key, component id, path) for every component a pipeline lists."""
    for name, pipeline in pipelines(config).items():
        if not isinstance(pipeline, dict):
            continue
        for key in ("receivers", "processors", "exporters"):
            items = pipeline.get(key)
            if isinstance(items, list):
                for index, item in enumerate(items):
                    if isinstance(item, str):
                        yield key, item, ("service", "pipelines", name, key, index)
