"""Render ApplicationSet template strings with helm's template engine: Go text/template with Sprig,
which is what the ApplicationSet controller uses. One `helm template` call renders every
(template, parameters) pair of a fleet; each pair is a named template, so its text is used as
written, and its output is captured with toJson so any text survives the round trip."""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path
from typing import Any

import yaml

from otelstack.external.runner import CommandFailed, Runner
from otelstack.fleet.gotemplate import TemplateError

_FAILED_JOB = re.compile(r'executing "job-(\d+)"')


def render_with_helm(jobs: list[tuple[str, dict]], runner: Runner, helm: str = "helm") -> list[Any]:
    results: list[Any] = [None] * len(jobs)
    remaining = list(range(len(jobs)))
    while remaining:
        failed = _render(jobs, remaining, results, runner, helm)
        if failed is None:
            break
        index, message = failed
        results[index] = TemplateError(message)
        remaining.remove(index)
    return results


def _render(jobs, indexes, results, runner, helm):
    if not indexes:
        return None
    with tempfile.TemporaryDirectory(prefix="otelstack-expand-") as tmp:
        chart = Path(tmp)
        (chart / "templates").mkdir()
        (chart / "Chart.yaml").write_text("apiVersion: v2\nname: otelstack-expand\nversion: 0.0.0\n", encoding="utf-8")
        (chart / "values.yaml").write_text(json.dumps({"params": [jobs[i][1] for i in indexes]}), encoding="utf-8")
        defines = "".join(f'{{{{ define "job-{i}" }}}}{jobs[i][0]}{{{{ end }}}}\n' for i in indexes)
        (chart / "templates" / "_jobs.tpl").write_text(defines, encoding="utf-8")
        lines = ["apiVersion: v1", "kind: ConfigMap", "metadata:", "  name: otelstack-expand", "data:"]
        lines += [f'  job_{i}: {{{{ include "job-{i}" (index .Values.params {n}) | toJson }}}}' for n, i in enumerate(indexes)]
        (chart / "templates" / "expand.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        try:
            result = runner.run([helm, "template", "expand", str(chart)], timeout=600)
        except CommandFailed as exc:
            found = _FAILED_JOB.search(exc.result.stderr)
            if found is None:
                raise
            message = exc.result.stderr.strip().splitlines()[-1]
            return int(found.group(1)), message.split(": ", 2)[-1]
    rendered = next(doc for doc in yaml.safe_load_all(result.stdout) if doc)["data"]
    for i in indexes:
        results[i] = rendered.get(f"job_{i}", "")
    return None
