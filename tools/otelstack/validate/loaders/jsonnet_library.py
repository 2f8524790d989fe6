"""Jsonnet libraries (`*.libsonnet`): read through the entry files that import them (see the
`jsonnet` carrier, which loads before this one); a library no entry imports is listed as skipped."""

from __future__ import annotations

from otelstack.validate.loaders import jsonnet
from otelstack.validate.loaders.core import Loader
from otelstack.validate.loaders.discover import Input

NAME = "jsonnet-library"
ORDER = 8  # after every entry file is evaluated


def claims(name: str) -> bool:
    return name.endswith(jsonnet.LIBRARY_SUFFIX)


def load(loader: Loader, item: Input) -> None:
    tracked = loader.state.get(jsonnet.NAME)
    if tracked is not None and item.fs_path in tracked.imported:
        return  # read (and registered) while evaluating its importer
    if tracked is not None and item.fs_path in tracked.unrendered:
        loader.skip(item.display, f"a Jsonnet library imported by {tracked.unrendered[item.fs_path]}, which was not rendered")
    else:
        loader.skip(item.display, "a Jsonnet library no entry file imports")
