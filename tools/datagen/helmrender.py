"""Render a chart of an upstream repository with the real `helm template`, as published at a tag.

The chart's files are written from the mirror's blobs into a temporary directory; each render's
parsed documents are cached on disk under a key made of the chart's blob ids, the values, the
release and the helm version, so regenerating is fast once a chart version was rendered and the
output does not depend on the cache (the cache only holds what helm printed for those inputs).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import yaml

from datagen.upstream import UpstreamError, UpstreamRepo

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def helm_binary() -> str:
    found = shutil.which("helm")
    local = Path(__file__).resolve().parents[2] / ".tools" / "bin" / "helm"
    if found:
        return found
    if local.is_file():
        return str(local)
    raise UpstreamError("helm is needed to render the charts: run `make setup` (it installs .tools/bin/helm)")


@dataclass(frozen=True)
class Render:
    name: str  # what this render is for, to name it in errors
    values: dict
    release: str = "rel"
    namespace: str = "rendered"


def cache_dir() -> Path:
    root = os.environ.get("DATAGEN_CACHE") or os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"),
                                                           "otelstack-datagen")
    return Path(root) / "helm"


def render_all(repo: UpstreamRepo, blobs: dict[str, str], chart_path: str, renders: list[Render]) -> dict[str, list[dict] | str]:
    """{render name: the rendered documents, or the error helm printed}."""
    helm = helm_binary()
    version = subprocess.run([helm, "version", "--short"], capture_output=True, text=True, check=False).stdout.strip()
    chart_key = hashlib.sha256(json.dumps(sorted(blobs.items())).encode()).hexdigest()
    out: dict[str, list[dict] | str] = {}
    todo = []
    for render in renders:
        key = hashlib.sha256(json.dumps([version, chart_key, render.values, render.release, render.namespace],
                                        sort_keys=True).encode()).hexdigest()
        cached = cache_dir() / f"{key}.json"
        if cached.is_file():
            out[render.name] = json.loads(cached.read_text(encoding="utf-8"))
        else:
            todo.append((render, cached))
    if not todo:
        return out
    with tempfile.TemporaryDirectory(prefix="datagen-chart-") as tmp:
        root = Path(tmp) / "chart"
        for path, blob in blobs.items():
            target = root / path[len(chart_path) + 1:]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(repo.blob(blob), encoding="utf-8")

        def run(item: tuple[Render, Path]) -> tuple[str, list[dict] | str]:
            render, cached = item
            values_file = Path(tmp) / f"values-{abs(hash(render.name))}.yaml"
            values_file.write_text(json.dumps(render.values), encoding="utf-8")
            result = subprocess.run([helm, "template", render.release, str(root), "--namespace", render.namespace, "-f", str(values_file)],
                                    capture_output=True, text=True, check=False)
            found: list[dict] | str
            if result.returncode != 0:
                lines = result.stderr.strip().splitlines()
                found = next((line for line in lines if line.startswith("Error")), lines[-1] if lines else "helm failed")
            else:
                found = [doc for doc in yaml.load_all(result.stdout, Loader=_LOADER) if isinstance(doc, dict)]
            cached.parent.mkdir(parents=True, exist_ok=True)
            partial = cached.with_suffix(".tmp")
            partial.write_text(json.dumps(found), encoding="utf-8")
            os.replace(partial, cached)
            return render.name, found

        with ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1))) as pool:
            for name, found in pool.map(run, todo):
                out[name] = found
    return out
