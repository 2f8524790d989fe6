"""Jinja templates (`*.j2`): checked for syntax (otelstack's own templates, and platform repos' ones)."""

from __future__ import annotations

from otelstack.source import Location
from otelstack.validate.loaders.core import Loader
from otelstack.validate.loaders.discover import Input
from otelstack.validate.model import SourceFile

NAME = "jinja"
ORDER = 4


def claims(name: str) -> bool:
    return name.endswith(".j2")


def load(loader: Loader, item: Input) -> None:
    text = loader.read(item, "syntax-jinja")
    if text is None:
        return
    file = loader.register(SourceFile(item.display, item.fs_path, "jinja", text))
    import jinja2

    try:
        jinja2.Environment().parse(file.text)
    except jinja2.TemplateSyntaxError as exc:
        loader.problem("syntax-jinja", Location(file.path, exc.lineno or 1), f"Jinja syntax error: {exc.message}")
