"""The `otelstack` command. Subcommands are imported only when run, so `--help` stays fast."""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import click

from otelstack import __version__
from otelstack.errors import ExitCode, OtelstackError

# name -> (module under otelstack.commands, one-line summary shown by --help)
COMMANDS: dict[str, tuple[str, str]] = {
    "render": ("render", "Render manifests, Helm values and Terraform inputs from the stack definition."),
    "validate": ("validate", "Check Terraform, manifests, Helm values and wiring before merge."),
    "rules": ("validate", "List the validation rules with their ids and severities."),
    "plan": ("plan", "Show what a merge changes: Argo CD applications, chart versions, values, manifests."),
    "apply": ("plan", "Apply a reviewed plan (refuses a plan made from another tree)."),
    "smoke": ("smoke", "Prove the stack end to end on a kind cluster: spans from a Python app reach the collector."),
    "fleet": ("fleet", "Expand ApplicationSets per cluster, offline."),
    "init": ("init", "Scaffold a platform repo that uses otelstack."),
    "doctor": ("doctor", "Report the external tools otelstack uses, their versions, and how to install missing ones."),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name, (module, _) in COMMANDS.items() if _module_exists(module)]

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        entry = COMMANDS.get(name)
        if entry is None or not _module_exists(entry[0]):
            return None
        module = importlib.import_module(f"otelstack.commands.{entry[0]}")
        return getattr(module, f"{name}_command")

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def _module_exists(module: str) -> bool:
    from importlib.util import find_spec

    return find_spec(f"otelstack.commands.{module}") is not None


def _process_gc() -> None:
    """The cyclic garbage collector, for a process that runs one command and ends.

    validate and fleet build a model of millions of containers that lives until the report is out
    and makes little cyclic garbage: with Python's default thresholds the collector walks the
    growing model again and again (a third of a 5,000-cluster fleet's time), and once more at exit.
    Collections stay on, less often (mypy does the same); at exit what is left is freed with the
    process instead of being walked first."""
    import atexit
    import gc

    gc.set_threshold(200_000, 30, 30)
    atexit.register(gc.freeze)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.version_option(__version__, "--version", prog_name="otelstack", message="%(prog)s %(version)s")
@click.option("--stack", "stack_path", type=click.Path(dir_okay=False), envvar="OTELSTACK_STACK",
              help="Stack definition (default: otelstack.yaml here or in a parent directory).")
@click.option("--debug", is_flag=True, envvar="OTELSTACK_DEBUG", help="Show tracebacks and every external command.")
@click.pass_context
def cli(ctx: click.Context, stack_path: str | None, debug: bool) -> None:
    """Deploy, validate and smoke-test an eBPF tracing stack: Grafana Beyla, the OpenTelemetry
    Operator and a collector, as Argo CD applications declared with Terraform."""
    ctx.obj = {"stack_path": stack_path, "debug": debug}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if argv is None:
        _process_gc()
    debug = "--debug" in args or bool(os.environ.get("OTELSTACK_DEBUG"))
    try:
        result: Any = cli.main(args=args, prog_name="otelstack", standalone_mode=False)
        return int(result or 0)
    except OtelstackError as exc:
        for line in exc.lines():
            click.echo(f"otelstack: {line}" if not line.startswith("  ") else line, err=True)
        return int(exc.exit_code)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return ExitCode.USAGE if isinstance(exc, click.UsageError) else exc.exit_code
    except click.exceptions.Abort:
        click.echo("otelstack: aborted", err=True)
        return 130
    except KeyboardInterrupt:
        click.echo("otelstack: interrupted", err=True)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug: say so in one line, details on request (the exit code stays 3)
        if debug:
            import traceback

            traceback.print_exc()
        click.echo(f"otelstack: internal error: {type(exc).__name__}: {exc}" + ("" if debug else " (run with --debug for a traceback)"), err=True)
        return ExitCode.INTERNAL
