"""`otelstack render [--env E] [--check]`."""

from __future__ import annotations

import click

from otelstack.commands.common import environments_option, load_stack_from
from otelstack.errors import ExitCode


@click.command("render")
@click.option("--env", "envs", multiple=True, help="Environment to render (repeatable; default: all).")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 with a diff when the committed output is stale.")
@click.pass_context
def render_command(ctx: click.Context, envs: tuple[str, ...], check: bool) -> int:
    """Render manifests, Helm values and Terraform inputs from the stack definition.

    Output is deterministic and each file is replaced atomically; nothing is written unless
    every environment rendered.
    """
    from otelstack.render import apply_changes, changes_for, render

    stack_file = load_stack_from(ctx)
    stack_file.require_valid()
    selected = environments_option(stack_file, envs)
    result = render(stack_file, selected)
    # Without --env, generated files of environments no longer defined are stale too.
    changes = changes_for(stack_file, result, selected if envs else None)
    if check:
        if not changes:
            click.echo(f"render: {len(result.outputs)} files up to date")
            return ExitCode.OK
        for change in changes:
            click.echo(change.diff, nl=False)
        click.echo(
            f"render: {len(changes)} of {len(result.outputs)} files are stale "
            f"({', '.join(c.path for c in changes)}); run `otelstack render` and commit the result",
            err=True,
        )
        return ExitCode.FAILED
    apply_changes(stack_file.root, result.outputs, changes)
    for change in changes:
        click.echo(f"{change.kind:7} {change.path}")
    click.echo(f"render: {len(changes)} changed, {len(result.outputs) - len([c for c in changes if c.kind != 'delete'])} unchanged")
    return ExitCode.OK
