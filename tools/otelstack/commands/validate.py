"""`otelstack validate [PATH...]` and `otelstack rules`."""

from __future__ import annotations

import json
import sys

import click

from otelstack.errors import ExitCode


@click.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "sarif", "junit"]), default="text", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), help="Write the report here instead of stdout.")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too, and when any file under the PATHs was not read.")
@click.option("--rule", "rule_levels", multiple=True, metavar="ID=LEVEL", help="Set a rule's severity (off, error, warning, info). Repeatable.")
@click.option("--only", "only", multiple=True, metavar="ID", help="Run only this rule. Repeatable.")
@click.option("--kubernetes-version", help="Kubernetes version of the schemas (default: the stack's validate.kubernetesVersion, else 1.32).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Rule configuration file (default: PATH/.otelstack.yaml).")
def validate_command(paths, fmt, output, strict, rule_levels, only, kubernetes_version, config_path) -> int:
    """Check a platform repo tree before merge: Terraform (argocd_application), Kubernetes YAML,
    Helm values against the pinned chart versions, collector configs, the wiring between Beyla,
    Instrumentation and the collector's Services, and security. PATH defaults to the current
    directory."""
    from otelstack.commands.common import debug_enabled
    from otelstack.errors import UsageError
    from otelstack.render.files import write_atomic
    from otelstack.validate.config import parse_rule_options
    from otelstack.validate.engine import Options, validate
    from otelstack.validate.formats import FORMATTERS
    from otelstack.validate.rules import by_id

    unknown = [rule for rule in only if rule not in by_id()]
    if unknown:
        raise UsageError(f"--only: unknown rule {', '.join(unknown)}", hint="`otelstack rules` lists them")
    options = Options(
        only=set(only) if only else None,
        severities=parse_rule_options(rule_levels),
        kubernetes_version=kubernetes_version,
        config_path=config_path,
    )
    report = validate(list(paths) or ["."], options)
    if debug_enabled(click.get_current_context()):
        for trace in report.tracebacks:
            click.echo(trace, err=True)
    colour = fmt == "text" and output is None and sys.stdout.isatty()
    text = FORMATTERS[fmt](report, colour=colour)
    if output:
        from pathlib import Path

        write_atomic(Path(output), text)
        counts = report.counts()
        click.echo(f"validate: {counts['error']} errors, {counts['warning']} warnings, {counts['info']} info -> {output}", err=True)
    else:
        click.echo(text, nl=False)
    if not report.files:
        # a gate that checked nothing must not look green: the report lists what was not read, and why
        named = ", ".join(paths) or "."
        why = f"{len(report.skipped)} not read, listed in the report with the reason" if report.skipped else "no files"
        click.echo(f"otelstack validate: nothing under {named} is something otelstack reads ({why})", err=True)
        return ExitCode.USAGE
    if report.internal_errors:
        return ExitCode.INTERNAL  # the report is complete but for what otelstack failed on: a bug, not a finding
    failing = report.counts()["error"] or (strict and (report.counts()["warning"] or report.skipped))
    return ExitCode.FAILED if failing else ExitCode.OK


@click.command("rules")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text",
              help="markdown: the reference with each rule's description and examples (docs/rules.md).")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the catalogue here instead of stdout.")
@click.option("--check", "check_path", type=click.Path(dir_okay=False), metavar="FILE",
              help="Write nothing; exit 1 with a diff when FILE differs from the catalogue (CI gates on it).")
def rules_command(fmt: str, output: str | None, check_path: str | None) -> int:
    """List the validation rules: id, default severity, group and what each checks."""
    from otelstack.validate.rules import all_rules

    rules = all_rules()
    if fmt == "json":
        text = json.dumps([{"id": r.id, "severity": r.severity.value, "group": r.group, "summary": r.summary} for r in rules], indent=2) + "\n"
    elif fmt == "markdown":
        from otelstack.validate.catalogue import markdown

        text = markdown(rules)
    else:
        text = _rules_text(rules)
    if check_path:
        return _check_catalogue(check_path, text, fmt)
    from otelstack.commands.common import emit

    emit(text, output, f"rules: wrote {len(rules)} rules to {output}")
    return ExitCode.OK


def _rules_text(rules) -> str:
    from otelstack.validate.catalogue import CONFIGURE

    width = max(len(r.id) for r in rules)
    lines, group = [], None
    for rule in rules:
        if rule.group != group:
            group = rule.group
            lines += ["", group]
        lines.append(f"  {rule.id:<{width}}  {rule.severity.value:<7}  {rule.summary}")
    lines += ["", f"{len(rules)} rules. {CONFIGURE.replace('`', '')}"]
    return "\n".join(lines) + "\n"


def _check_catalogue(path: str, text: str, fmt: str) -> int:
    import difflib
    from pathlib import Path

    file = Path(path)
    current = file.read_text(encoding="utf-8") if file.is_file() else ""
    if current == text:
        return ExitCode.OK
    diff = difflib.unified_diff(current.splitlines(keepends=True), text.splitlines(keepends=True), fromfile=f"a/{path}", tofile=f"b/{path}")
    click.echo("".join(diff), nl=False)
    state = "is stale" if file.is_file() else "does not exist"
    click.echo(f"rules: {path} {state}; regenerate it with `otelstack rules --format {fmt} --output {path}`", err=True)
    return ExitCode.FAILED
