"""`otelstack smoke`."""

from __future__ import annotations

from pathlib import Path

import click

from otelstack.errors import ExitCode


@click.command("smoke")
@click.option("--env", "env", help="Environment of the stack to deploy (default: kind; with --via argocd, the fleet "
                                    "environment whose cluster is https://kubernetes.default.svc, e.g. kind-fleet).")
@click.option("--via", type=click.Choice(["helm", "argocd"]), default="helm", show_default=True,
              help="helm: install the charts directly (fastest); argocd: install Argo CD and apply the environment's Terraform "
                   "root (for a fleet environment: this cluster registered with its labels, one ApplicationSet per component).")
@click.option("--keep", is_flag=True, help="Leave the cluster running (it is deleted otherwise, also on failure and Ctrl-C).")
@click.option("--timeout", type=int, default=900, show_default=True, help="Seconds for the whole run.")
@click.option("--junit", "junit_path", type=click.Path(dir_okay=False), help="Write a JUnit report of the phases here.")
@click.option("--results", type=click.Path(file_okay=False), default="smoke-results", show_default=True,
              help="Folder for values, manifests, logs, reports and diagnostics.")
@click.option("--dry-run", is_flag=True, help="Print every command and check in order, and touch nothing.")
@click.pass_context
def smoke_command(ctx: click.Context, env, via, keep, timeout, junit_path, results, dry_run) -> int:
    """Prove the stack end to end on a kind cluster: Beyla, attached by eBPF to an uninstrumented
    Python service, produces spans that reach the collector. Creates the cluster, installs the
    stack from the same stack definition and rendered values as the Argo CD applications, runs
    the sample app and its load, checks the collector's output, and tears everything down."""
    from otelstack.commands.common import debug_enabled, load_stack_from
    from otelstack.external import ProcessRunner
    from otelstack.smoke.run import SmokeRun
    from otelstack.smoke.setup import default_environment, new_cluster_name, prepare

    stack_file = load_stack_from(ctx)
    stack_file.require_valid()
    env = env or default_environment(stack_file, via)
    name = new_cluster_name()
    folder = Path(results) / name
    setup = prepare(stack_file, env, folder, cluster_name=name, write=not dry_run)
    run = SmokeRun(setup, ProcessRunner(echo=debug_enabled(ctx)), via=via, keep=keep, timeout=timeout,
                   junit_path=Path(junit_path) if junit_path else None)
    if dry_run:
        click.echo(run.plan_text(), nl=False)
        return ExitCode.OK
    result = run.execute()
    click.echo(f"smoke: passed: spans of {setup.service_name} reached collector {setup.collector_name}"
               + (f", first after {result.first_span_seconds:.0f}s" if result.first_span_seconds is not None else "")
               + f"; report {setup.results / 'report.json'}")
    return ExitCode.OK
