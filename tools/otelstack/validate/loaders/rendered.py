"""What the rendering carriers share (Jsonnet, kustomize, helm template): the applications of the
tree that deploy a folder (their options are what Argo CD renders with), the engine's output joined
to the model as Kubernetes objects located in the files they came from, and where an engine run's
scratch files go.

Each engine runs once per entry point; a tree without such carriers never reaches this module.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any

from otelstack.source import Located, Location, Path, Unknown, walk
from otelstack.validate.loaders.core import Loader
from otelstack.validate.model import Application, AppSource, KubeObject, SourceFile

KUBERNETES_FIELDS = ("apiVersion", "kind")


@dataclass(frozen=True)
class Deployer:
    """An Argo CD application of the tree whose source (of this repository) is a folder."""

    app: Application
    source: AppSource
    folder: str  # absolute

    def option(self, *path: Any) -> Any:
        return self.app.get(*self.source.base, *path)

    def where(self, *path: Any) -> Location:
        return self.app.loc(*self.source.base, *path)

    @property
    def label(self) -> str:
        return f"application {self.app.label} ({self.where()})"


def deployers(loader: Loader, folder: str, recurse_from_above: bool = False) -> list[Deployer]:
    """The applications whose source path is `folder` (or, for directory sources with
    `recurse: true`, a folder above it when `recurse_from_above`)."""
    found = []
    for app in loader.platform.applications:
        if app.engine != "argocd":
            continue
        for source in app.sources:
            if source.is_helm_repo or not isinstance(source.path, str) or not loader.platform.is_own_source(source):
                continue
            path = loader.repository_path(app, source.path)
            if path == folder or (recurse_from_above and folder.startswith(path + os.sep)
                                  and app.get(*source.base, "directory", "recurse") is True):
                found.append(Deployer(app, source, path))
    return found


def source_file(loader: Loader, fs_path: str, kind: str, text: str | None = None) -> SourceFile:
    """The registered file at `fs_path` (read once), so findings and suppressions see its text."""
    display = loader.display(fs_path)
    known = loader.platform.files.get(display)
    if known is not None:
        return known
    if text is None:
        with open(fs_path, encoding="utf-8", errors="replace") as handle:
            text = handle.read()
    return loader.register(SourceFile(display, fs_path, kind, text))


def is_kubernetes_object(data: Any) -> bool:
    return isinstance(data, dict) and all(isinstance(data.get(k), str) for k in KUBERNETES_FIELDS)


def add_object(loader: Loader, file: SourceFile, index: int, data: dict, origin: Located | None,
               folder: str, locations: dict[Path, Location] | None = None) -> KubeObject | None:
    """One rendered object joins the model like a YAML one. Its locations are those of the
    document it came from (`origin`, where the engine tells it), else `locations` found for
    it, else the file: a path with no location of its own takes its nearest ancestor's."""
    from otelstack.validate.loaders.kubernetes import add_document

    doc = Located(data, file.path)
    if origin is not None:
        doc.locations.update(origin.locations)
        doc.key_locations.update(origin.key_locations)
    if locations:
        doc.locations.update(locations)
    doc.locations.setdefault((), Location(file.path))
    obj = add_document(loader, file, index, doc)
    if obj is not None:
        obj.folder = folder
    return obj


def unknown_inside(value: Any) -> Unknown | None:
    """The first value only known at apply time inside `value` (an option otelstack cannot know)."""
    for _, item in walk(value):
        if isinstance(item, Unknown):
            return item
    return None


def tail(message: str, lines: int = 3) -> str:
    """The end of an engine's error, on one line, without the noise of log prefixes."""
    kept = [re.sub(r"^[EWI]\d{4} [\d:.]+\s+\d+ \S+\] ", "", line).strip() for line in message.strip().splitlines()]
    kept = [line for line in kept if line]
    return " / ".join(kept[-lines:])[:400]


# The engines ------------------------------------------------------------------------------------
# Tests replace these two: `runner` with a RecordedRunner, `tool` to take a binary away.


def runner():
    from otelstack.external import ProcessRunner

    return ProcessRunner()


def tool(name: str) -> str | None:
    from otelstack.external import find_tool

    return find_tool(name)


ENGINE_TIMEOUT = 120.0  # seconds for one render; a hung engine costs one skipped entry, not the run
