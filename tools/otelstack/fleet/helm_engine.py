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
from otelstack.fleet.gotemplate import TemplateError, Unsupported

# Where helm says a job failed: in its own file (parse errors), by its name, or at its line of expand.yaml.
_FAILED_JOB = re.compile(r'_job-(\d+)\.tpl|executing "job-(\d+)"|expand\.yaml:(\d+):')
_HEADER_LINES = 5  # expand.yaml lines before the first job
# Argo CD adds these to Sprig; helm's engine does not have them.
_ARGOCD_ONLY = re.compile(r"\{\{[^}]*\b(normalize|slugify)\b")


def render_with_helm(jobs: list[tuple[str, dict]], runner: Runner, helm: str = "helm") -> list[Any]:
    results: list[Any] = [None] * len(jobs)
    remaining = []
    for index, (template, _) in enumerate(jobs):
        argocd_only = _ARGOCD_ONLY.search(template)
        if argocd_only:
            results[index] = Unsupported(f"the function '{argocd_only.group(1)}' (Argo CD's own: not in helm's engine)")
        else:
            remaining.append(index)
    while remaining:
        failed = _render(jobs, remaining, results, runner, helm)
        if failed is None:
            break
        index, message = failed
        results[index] = TemplateError(message)
        remaining.remove(index)
    return results


def _render(jobs, indexes, results, runner, helm):
    with tempfile.TemporaryDirectory(prefix="otelstack-expand-") as tmp:
        chart = Path(tmp)
        (chart / "templates").mkdir()
        (chart / "Chart.yaml").write_text("apiVersion: v2\nname: otelstack-expand\nversion: 0.0.0\n", encoding="utf-8")
        (chart / "values.yaml").write_text(json.dumps({"params": [jobs[i][1] for i in indexes]}), encoding="utf-8")
        for i in indexes:  # one file per job: a parse error names its job
            (chart / "templates" / f"_job-{i}.tpl").write_text(f'{{{{- define "job-{i}" }}}}{jobs[i][0]}{{{{ end }}}}', encoding="utf-8")
        lines = ["apiVersion: v1", "kind: ConfigMap", "metadata:", "  name: otelstack-expand", "data:"]
        lines += [f'  job_{i}: {{{{ include "job-{i}" (index .Values.params {n}) | toJson }}}}' for n, i in enumerate(indexes)]
        (chart / "templates" / "expand.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        try:
            result = runner.run([helm, "template", "expand", str(chart)], timeout=600)
        except CommandFailed as exc:
            found = _FAILED_JOB.search(exc.result.stderr)
            if found is None:
                raise
            file_job, named_job, line = found.groups()
            index = int(file_job or named_job) if (file_job or named_job) else indexes[int(line) - _HEADER_LINES - 1]
            lines = [line.strip() for line in exc.result.stderr.splitlines() if line.strip() and not line.startswith("Use --debug")]
            message = lines[-1].removeprefix("Error: ") if lines else "template failed"
            return index, re.sub(r"^execution error at \([^)]*\): ", "", message)
    rendered = next(doc for doc in yaml.safe_load_all(result.stdout) if doc)["data"]
    for i in indexes:
        results[i] = rendered.get(f"job_{i}", "")
    return None
