"""Output formats for a whole run. A format name, once shipped, keeps its meaning.

text   grouped by file, colour on a terminal, a summary line
json   {"version": 1, "findings": [...], "summary": {...}}: the contract CI relies on
sarif  SARIF 2.1.0 for code scanning
junit  JUnit XML: one test case per file checked, a failure per error
"""

from __future__ import annotations

import json
from typing import Callable
from xml.sax.saxutils import quoteattr

from otelstack import PROJECT_URL, __version__
from otelstack.validate.finding import Report, Severity
from otelstack.validate.rules import by_id

_COLOURS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def as_text(report: Report, colour: bool = False) -> str:
    import click

    def style(text: str, **kwargs) -> str:
        return click.style(text, **kwargs) if colour else text

    lines: list[str] = []
    current = None
    for f in report.findings:
        if f.file != current:
            if current is not None:
                lines.append("")
            lines.append(style(f.file, bold=True, underline=True))
            current = f.file
        level = style(f"{f.severity.value:7}", fg=_COLOURS[f.severity])
        lines.append(f"  {f.line}:{f.column}  {level}  {f.message}  {style(f.rule, dim=True)}")
        if f.hint:
            lines.append(f"  {'':{len(str(f.line)) + len(str(f.column)) + 1}}  {'':7}  {style('hint: ' + f.hint, dim=True)}")
    counts = report.counts()
    summary = (
        f"{_plural(counts['error'], 'error')}, {_plural(counts['warning'], 'warning')}, {counts['info']} info "
        f"in {_plural(len(report.files), 'file')}"
        + (f", {len(report.skipped)} not read" if report.skipped else "")
        + (f" ({report.suppressed} suppressed)" if report.suppressed else "")
        + f" [{report.seconds:.2f}s]"
    )
    if lines:
        lines.append("")
    lines += _skipped_text(report, style)
    lines.append(style(summary, bold=True, fg="red" if counts["error"] else ("yellow" if counts["warning"] else "green")))
    return "\n".join(lines) + "\n"


SKIPPED_SHOWN = 5  # files named per reason; the JSON report lists them all


def _skipped_text(report: Report, style) -> list[str]:
    """What was not read, grouped by reason: a CI gate that checked nothing must not look green."""
    if not report.skipped:
        return []
    by_reason: dict[str, list[str]] = {}
    for item in report.skipped:
        by_reason.setdefault(item.reason, []).append(item.file)
    lines = [style("not read:", bold=True)]
    for reason, files in sorted(by_reason.items(), key=lambda pair: (-len(pair[1]), pair[0])):
        shown = ", ".join(files[:SKIPPED_SHOWN]) + (f" and {len(files) - SKIPPED_SHOWN} more" if len(files) > SKIPPED_SHOWN else "")
        lines.append(f"  {reason}: {shown}")
    lines.append("")
    return lines


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def as_json(report: Report, colour: bool = False) -> str:
    payload = {
        "version": 1,
        "findings": [f.to_json() for f in report.findings],
        "skipped": [s.to_json() for s in report.skipped],
        "summary": report.summary(),
    }
    return json.dumps(payload, indent=2) + "\n"


_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def as_sarif(report: Report, colour: bool = False) -> str:
    catalogue = by_id()
    used = sorted({f.rule for f in report.findings} | set(report.rules_run))
    rules = []
    index = {}
    for rule_id in used:
        rule = catalogue.get(rule_id)
        if rule is None:
            continue
        index[rule_id] = len(rules)
        rules.append({
            "id": rule.id,
            "name": "".join(part.title() for part in rule.id.split("-")),
            "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": rule.doc.split("\n\n")[1] if "\n\n" in rule.doc else rule.summary},
            "help": {"text": rule.doc},
            "defaultConfiguration": {"level": _SARIF_LEVEL[rule.severity]},
            "properties": {"tags": [rule.group]},
        })
    results = []
    for f in report.findings:
        region = {"startLine": max(f.line, 1), "startColumn": max(f.column, 1)}
        if f.end_line >= f.line and f.end_line:
            region["endLine"] = f.end_line
            if f.end_column and (f.end_line > f.line or f.end_column > f.column):
                region["endColumn"] = f.end_column
        result = {
            "ruleId": f.rule,
            "level": _SARIF_LEVEL[f.severity],
            "message": {"text": f.message + (f"\nhint: {f.hint}" if f.hint else "")},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": f.file.replace("\\", "/"), "uriBaseId": "SRCROOT"}, "region": region}}],
        }
        if f.rule in index:
            result["ruleIndex"] = index[f.rule]
        results.append(result)
    payload = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "otelstack", "version": __version__, "informationUri": PROJECT_URL, "rules": rules}},
            "originalUriBaseIds": {"SRCROOT": {"uri": _root_uri(report.root),
                                               "description": {"text": "the common root of the PATHs given to otelstack validate"}}},
            "results": results,
        }],
    }
    return json.dumps(payload, indent=2) + "\n"


def _root_uri(root: str) -> str:
    from pathlib import Path

    uri = Path(root or ".").resolve().as_uri()
    return uri if uri.endswith("/") else uri + "/"


def as_junit(report: Report, colour: bool = False) -> str:
    by_file: dict[str, list] = {name: [] for name in report.files}
    for f in report.findings:
        by_file.setdefault(f.file, []).append(f)
    errors = sum(1 for findings in by_file.values() if any(f.severity == Severity.ERROR for f in findings))
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           f'<testsuites name="otelstack validate" tests="{len(by_file)}" failures="{errors}" errors="0" time="{report.seconds:.3f}">',
           f'  <testsuite name="otelstack validate" tests="{len(by_file)}" failures="{errors}" errors="0" skipped="0" time="{report.seconds:.3f}">']
    for name in sorted(by_file):
        findings = by_file[name]
        failing = [f for f in findings if f.severity == Severity.ERROR]
        other = [f for f in findings if f.severity != Severity.ERROR]
        out.append(f'    <testcase classname="otelstack.validate" name={quoteattr(name)} time="0">')
        for f in failing:
            text = f"{f.file}:{f.line}:{f.column}: {f.message}" + (f"\nhint: {f.hint}" if f.hint else "")
            out.append(f'      <failure message={quoteattr(f.message)} type={quoteattr(f.rule)}>{_xml_text(text)}</failure>')
        if other:
            text = "\n".join(f"{f.severity.value}: {f.file}:{f.line}:{f.column}: {f.message} [{f.rule}]" for f in other)
            out.append(f"      <system-out>{_xml_text(text)}</system-out>")
        out.append("    </testcase>")
    out.append("  </testsuite>")
    out.append("</testsuites>")
    return "\n".join(out) + "\n"


def _xml_text(text: str) -> str:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return "".join(c for c in escaped if c in "\t\n\r" or ord(c) >= 0x20)


FORMATTERS: dict[str, Callable[..., str]] = {"text": as_text, "json": as_json, "sarif": as_sarif, "junit": as_junit}
