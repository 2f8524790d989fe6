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
    if report.internal_errors:
        return ExitCode.INTERNAL  # the report is complete but for what otelstack failed on: a bug, not a finding
    failing = report.counts()["error"] or (strict and (report.counts()["warning"] or report.skipped))
    return ExitCode.FAILED if failing else ExitCode.OK


@click.command("rules")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def rules_command(fmt: str) -> int:
    """List the validation rules: id, default severity, group and what each checks."""
    from otelstack.validate.rules import all_rules

    rules = all_rules()
    if fmt == "json":
        click.echo(json.dumps([{"id": r.id, "severity": r.severity.value, "group": r.group, "summary": r.summary} for r in rules], indent=2))
        return ExitCode.OK
    width = max(len(r.id) for r in rules)
    group = None
    for rule in rules:
        if rule.group != group:
            group = rule.group
            click.echo(f"\n{group}")
        click.echo(f"  {rule.id:<{width}}  {rule.severity.value:<7}  {rule.summary}")
    click.echo(f"\n{len(rules)} rules. Configure in otelstack.yaml (validate.rules) or .otelstack.yaml: <id>: off|error|warning|info;"
               " suppress one finding with `# otelstack: ignore=<id> reason=\"...\"` on its line or the line above.")
    return ExitCode.OK
