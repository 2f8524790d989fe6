"""`otelstack plan` and `otelstack apply`."""

from __future__ import annotations

from pathlib import Path

import click

from otelstack.errors import ExitCode


def _stack_path(ctx: click.Context) -> Path | None:
    from otelstack.stack import find_stack_file

    given = (ctx.find_root().obj or {}).get("stack_path")
    return Path(given) if given else find_stack_file()


@click.command("plan")
@click.option("--env", "env", help="Environment to plan (default: the first in the stack definition).")
@click.option("--root", help="A Terraform root to plan instead of terraform/environments/<env>.")
@click.option("--base", help="Git revision to diff the rendered manifests against (default: merge base with the default branch).")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False), help="Write the report here (e.g. a PR comment body).")
@click.pass_context
def plan_command(ctx: click.Context, env, root, base, fmt, out) -> int:
    """Validate, then `terraform plan` the environment root and summarise what the merge changes:
    Argo CD applications created, updated, replaced or deleted, chart versions and Helm values
    key by key, and the rendered manifests against the base. The plan is saved for `otelstack apply`."""
    from otelstack.commands.common import emit
    from otelstack.plan import ValidationFailed, plan, resolve_target
    from otelstack.plan.formats import FORMATS
    from otelstack.validate.formats import as_text

    target = resolve_target(_stack_path(ctx), env, root)
    try:
        report = plan(target, base=base)
    except ValidationFailed as failed:
        click.echo(as_text(failed.report), err=True, nl=False)
        raise
    text = FORMATS[fmt](report)
    emit(text, out, f"plan: report written to {out}")
    return ExitCode.OK


@click.command("apply")
@click.option("--env", "env", help="Environment to apply (default: the first in the stack definition).")
@click.option("--root", help="The Terraform root the plan was made in, instead of terraform/environments/<env>.")
@click.option("--plan", "plan_file", type=click.Path(dir_okay=False), help="Saved plan (default: <root>/otelstack.tfplan).")
@click.option("--auto-approve", is_flag=True, help="Do not ask for confirmation (CI).")
@click.pass_context
def apply_command(ctx: click.Context, env, root, plan_file, auto_approve) -> int:
    """Apply the plan `otelstack plan` saved, only if it was made from this same tree, after
    validating again; asks for confirmation on a terminal unless --auto-approve."""
    from otelstack.plan import apply, resolve_target

    target = resolve_target(_stack_path(ctx), env, root)
    apply(target, auto_approve=auto_approve, plan_file=Path(plan_file) if plan_file else None)
    click.echo(f"apply: {target.label} applied")
    return ExitCode.OK
