"""Jinja environment for the manifest templates: sandboxed, strict about undefined names,
with YAML/JSON filters whose output is deterministic."""

from __future__ import annotations

import json
from pathlib import Path as FsPath
from typing import Any, Callable

import jinja2
import yaml
from jinja2.sandbox import ImmutableSandboxedEnvironment

from otelstack import resources
from otelstack.errors import UsageError
from otelstack.source import Location

TEMPLATE_DIR = "manifests/templates"  # a platform repo may keep its own copies here


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)  # indent list items under their key


def _str_presenter(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    if "\n" in data:
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", data)


_Dumper.add_representer(str, _str_presenter)


def dump_yaml(value: Any) -> str:
    return yaml.dump(value, Dumper=_Dumper, sort_keys=False, default_flow_style=False, width=1000, allow_unicode=True)


def to_yaml(value: Any, indent: int = 0) -> str:
    text = dump_yaml(value).rstrip("\n")
    if text in ("{}", "[]"):  # an empty mapping/list stays inline on its own line
        return " " * indent + text
    return "\n".join((" " * indent + line) if line else line for line in text.split("\n"))


def to_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def collector_config(config: dict) -> dict:
    """The operator drops null components and null lists from a v1beta1 config; the collector
    then fails at start. Write {} and [] instead."""
    out: dict[str, Any] = {}
    for section, body in config.items():
        if section == "service":
            service = dict(body or {})
            pipelines = {}
            for name, pipeline in (service.get("pipelines") or {}).items():
                pipelines[name] = {k: (v if v is not None else []) for k, v in (pipeline or {}).items()}
            service["pipelines"] = pipelines
            out[section] = service
        elif isinstance(body, dict) or body is None:
            out[section] = {name: ({} if settings is None else settings) for name, settings in (body or {}).items()}
        else:
            out[section] = body
    return out


class TemplateSet:
    """Templates from the platform repo's manifests/templates when it has one, else the bundled ones."""

    def __init__(self, root: FsPath | None) -> None:
        local = (root / TEMPLATE_DIR) if root else None
        if local is not None and local.is_dir():
            loader: jinja2.BaseLoader = jinja2.FileSystemLoader(str(local))
            self.origin = TEMPLATE_DIR
        else:
            loader = jinja2.FunctionLoader(_bundled_template)
            self.origin = "otelstack/templates"
        self.env = ImmutableSandboxedEnvironment(
            loader=loader,
            undefined=jinja2.StrictUndefined,
            keep_trailing_newline=True,
            autoescape=False,
        )
        self.env.filters.update(to_yaml=to_yaml, to_json=to_json, collector_config=collector_config)

    def render(self, name: str, **context: Any) -> str:
        shown = f"{self.origin}/{name}"
        try:
            return self.env.get_template(name).render(**context)
        except jinja2.TemplateSyntaxError as exc:
            raise UsageError(f"template syntax error: {exc.message}", location=Location(shown, exc.lineno or 1)) from None
        except jinja2.TemplateNotFound:
            raise UsageError(f"template {name} not found in {self.origin}") from None
        except (jinja2.UndefinedError, jinja2.exceptions.SecurityError, TypeError, ValueError) as exc:
            raise UsageError(f"template error: {exc}", location=Location(shown, _template_line(exc))) from None


def _bundled_template(name: str) -> tuple[str, str, Callable[[], bool]] | None:
    node = resources.package_file("templates", *name.split("/"))
    if not node.is_file():
        return None
    return node.read_text(encoding="utf-8"), f"otelstack/templates/{name}", lambda: True


def _template_line(exc: BaseException) -> int:
    tb = exc.__traceback__
    line = 1
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(".j2"):
            line = tb.tb_lineno
        tb = tb.tb_next
    return line
