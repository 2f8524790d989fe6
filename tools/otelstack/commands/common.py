"""Helpers shared by commands: finding the stack definition, printing, exit codes."""

from __future__ import annotations

import os
from pathlib import Path as FsPath

import click

from otelstack.errors import UsageError
from otelstack.stack import DEFAULT_FILENAME, StackFile, find_stack_file, load_stack


def stack_location(ctx: click.Context) -> FsPath:
    given = (ctx.find_root().obj or {}).get("stack_path")
    if given:
        return FsPath(given)
    found = find_stack_file()
    if found is None:
        raise UsageError(
            f"no {DEFAULT_FILENAME} in {os.getcwd()} or its parents",
            hint="run `otelstack init` to create one, or pass --stack PATH",
        )
    return found


def load_stack_from(ctx: click.Context) -> StackFile:
    path = stack_location(ctx)
    try:
        display = os.path.relpath(path)
    except ValueError:
        display = str(path)
    if display.startswith(".."):
        display = str(path)
    return load_stack(path, display)


def debug_enabled(ctx: click.Context) -> bool:
    return bool((ctx.find_root().obj or {}).get("debug"))


def environments_option(stack_file: StackFile, env: tuple[str, ...] | str | None) -> list[str]:
    if not env:
        return stack_file.environments
    names = [env] if isinstance(env, str) else list(env)
    for name in names:
        stack_file.resolve(name)  # raises a clear error for unknown names
    return names


def emit(text: str, output: str | None, written: str) -> None:
    """A command's report: to `output` atomically (saying `written` on stderr), else to stdout."""
    if output:
        from otelstack.render.files import write_atomic

        write_atomic(FsPath(output), text)
        click.echo(written, err=True)
    else:
        click.echo(text, nl=False)
