"""Render ApplicationSet template strings with helm's template engine: Go text/template with Sprig,
which is what the ApplicationSet controller uses. One `helm template` call renders every
(template, parameters) pair of a fleet: each distinct template text becomes a named template (so
its text is used as written), each distinct parameter set a list entry in the values, and each
pair one line that includes the one with the other and captures the output with toJson, so any
text survives the round trip."""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path
from typing import Any

import yaml

from otelstack.external.runner import CommandFailed, Runner
from otelstack.fleet.govalues import NeedsEngine, TemplateError

_HEADER_LINES = 5  # expand.yaml lines before the first job
_FAILED_LINE = re.compile(r"expand\.yaml:(\d+):")  # a job that failed while executing
_FAILED_TEMPLATE = re.compile(r"_t-(\d+)\.tpl")  # a template text that does not parse
# Argo CD adds these to Sprig; helm's engine does not have them.
_ARGOCD_ONLY = re.compile(r"\{\{[^}]*\b(normalize|slugify)\b")
try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML without libyaml
    _Loader = yaml.SafeLoader


def render_with_helm(jobs: list[tuple[str, dict]], runner: Runner, helm: str = "helm") -> list[Any]:
    results: list[Any] = [None] * len(jobs)
    remaining = []
    for index, (template, _) in enumerate(jobs):
        argocd_only = _ARGOCD_ONLY.search(template)
        if argocd_only:
            results[index] = NeedsEngine(f"the function '{argocd_only.group(1)}' (Argo CD's own: not in helm's engine)")
        else:
            remaining.append(index)
    while remaining:  # a failing job is set aside and the rest rendered again
        failed = _render(jobs, remaining, results, runner, helm)
        if not failed:
            break
        for index, message in failed:
            results[index] = TemplateError(message)
            remaining.remove(index)
    return results


def _render(jobs, indexes, results, runner, helm) -> list[tuple[int, str]]:
    templates: dict[str, int] = {}
    params: dict[int, int] = {}  # id(parameter dict) -> position: a cluster's parameters are shared by its jobs
    param_list = []
    lines = ["apiVersion: v1", "kind: ConfigMap", "metadata:", "  name: otelstack-expand", "data:"]
    for n, i in enumerate(indexes):
        text, values = jobs[i]
        t = templates.setdefault(text, len(templates))
        if id(values) not in params:
            params[id(values)] = len(param_list)
            param_list.append(values)
        lines.append(f'  j{n}: {{{{ include "t-{t}" (index .Values.params {params[id(values)]}) | toJson }}}}')
    with tempfile.TemporaryDirectory(prefix="otelstack-expand-") as tmp:
        chart = Path(tmp) / "chart"
        (chart / "templates").mkdir(parents=True)
        (chart / "Chart.yaml").write_text("apiVersion: v2\nname: otelstack-expand\nversion: 0.0.0\n", encoding="utf-8")
        for text, t in templates.items():  # one file per template: a parse error names it
            (chart / "templates" / f"_t-{t}.tpl").write_text(f'{{{{- define "t-{t}" }}}}{text}{{{{ end }}}}', encoding="utf-8")
        (chart / "templates" / "expand.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        # The parameters go in with --values: helm caps a chart's own files at 5 MiB (a few thousand clusters).
        values_file = Path(tmp) / "params.json"
        values_file.write_text(json.dumps({"params": param_list}), encoding="utf-8")
        try:
            result = runner.run([helm, "template", "expand", str(chart), "--values", str(values_file)], timeout=600)
        except CommandFailed as exc:
            return _failures(exc, jobs, indexes, templates)
    rendered = next(doc for doc in yaml.load_all(result.stdout, Loader=_Loader) if doc)["data"]
    for n, i in enumerate(indexes):
        results[i] = rendered.get(f"j{n}", "")
    return []


def _failures(exc: CommandFailed, jobs, indexes, templates: dict[str, int]) -> list[tuple[int, str]]:
    stderr = exc.result.stderr
    lines = [line.strip() for line in stderr.splitlines() if line.strip() and not line.startswith("Use --debug")]
    message = lines[-1].removeprefix("Error: ") if lines else "template failed"
    message = re.sub(r"^execution error at \([^)]*\): ", "", re.sub(r"^parse error at \([^)]*\): ", "parse error: ", message))
    line = _FAILED_LINE.search(stderr)
    if line is not None:
        return [(indexes[int(line.group(1)) - _HEADER_LINES - 1], message)]
    template = _FAILED_TEMPLATE.search(stderr)
    if template is not None:
        text = next(text for text, t in templates.items() if t == int(template.group(1)))
        return [(i, message) for i in indexes if jobs[i][0] == text]
    raise exc
