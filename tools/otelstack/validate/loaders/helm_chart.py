"""Local Helm charts (a directory with Chart.yaml): their templates are Go templates, not YAML."""

from __future__ import annotations

from otelstack.validate.loaders.core import Loader
from otelstack.validate.loaders.discover import Input

NAME = "helm-chart"
ORDER = 5


def claims(name: str) -> bool:
    return False


def claims_directory(path: str, filenames: list[str]) -> bool:
    return "Chart.yaml" in filenames


def load(loader: Loader, item: Input) -> None:
    loader.skip(item.display.rstrip("/") + "/", "a Helm chart: its templates are Go templates (helm lint checks them)")
