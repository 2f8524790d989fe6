"""Data shipped inside the package (schemas, chart knowledge, templates), read through importlib.resources
so the installed wheel works the same as a source checkout."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

import yaml


def package_file(*parts: str) -> Traversable:
    node = resources.files("otelstack")
    for part in parts:
        node = node / part
    return node


def read_text(*parts: str) -> str:
    return package_file(*parts).read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def data_yaml(*parts: str) -> Any:
    return yaml.load(read_text("data", *parts), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@lru_cache(maxsize=None)
def data_json(*parts: str) -> Any:
    return json.loads(read_text("data", *parts))


def stack_schema() -> dict:
    return data_json("schemas", "stack.schema.json")
