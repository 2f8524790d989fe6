"""`otelstack fleet expand` and `otelstack fleet diff`."""

from __future__ import annotations

import click

from otelstack.errors import ExitCode


@click.group("fleet")
def fleet_command() -> None:
    """Fleets: the stack on many clusters through ApplicationSets."""


@fleet_command.command("expand")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@click.option("--env", "env", help="Fleet environment (default: the first one in the stack definition).")
@click.option("--cluster", help="Show this cluster only.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--engine", type=click.Choice(["python", "helm"]), default="python", show_default=True,
              help="python: otelstack's Go-template subset (fast, no binary); helm: helm's template engine (all of Sprig).")
@click.pass_context
def expand_command(ctx: click.Context, paths, env, cluster, fmt, engine) -> int:
    """Expand ApplicationSets offline, as the ApplicationSet controller would.

    With PATH: every ApplicationSet in those files or directories (YAML, Terraform, a stack
    definition's fleets), against the clusters declared there (cluster Secrets, argocd_cluster),
    printed per ApplicationSet and cluster. Without: the stack definition's fleet environment,
    each cluster's applications with what differs from the environment's defaults."""
    from otelstack.commands.common import load_stack_from
    from otelstack.errors import UsageError
    from otelstack.fleet import as_json, as_text, expand_environment

    if paths:
        from otelstack.fleet.tree import exit_failed, expand_tree, tree_json, tree_text

        if env or engine != "python":
            raise UsageError("--env and --engine apply to the stack definition's fleets (no PATH)")
        result = expand_tree(list(paths))
        if cluster:
            _check_cluster(cluster, result.clusters, paths)
            for appset in result.application_sets:
                appset.applications = [a for a in appset.applications if a.cluster == cluster]
        click.echo((tree_json if fmt == "json" else tree_text)(result), nl=False)
        return ExitCode.FAILED if exit_failed(result) else ExitCode.OK

    stack_file = load_stack_from(ctx)
    expansion = expand_environment(stack_file, env, engine)
    if cluster and cluster not in {c.name for c in expansion.clusters}:
        raise UsageError(f"cluster {cluster!r} is not in fleet {expansion.environment}",
                         hint=f"clusters: {', '.join(c.name for c in expansion.clusters)}")
    click.echo((as_json if fmt == "json" else as_text)(expansion, cluster), nl=False)
    failing = [p for _, p in expansion.problems if p.kind not in ("unknown",)]
    return ExitCode.FAILED if failing else ExitCode.OK


def _check_cluster(cluster: str, registered: list, paths) -> None:
    """--cluster with PATH names a cluster the tree registers, or Argo CD's built-in one."""
    from otelstack.errors import UsageError
    from otelstack.fleet.clusters import candidate_clusters

    known = candidate_clusters(registered)
    if cluster in {str(c.name) for c in known}:
        return
    where = ", ".join(paths)
    built_in = " (and Argo CD's built-in in-cluster)" if any(not c.registered for c in known) else ""
    hint = (f"clusters registered there: {', '.join(sorted(str(c.name) for c in registered))}{built_in}" if registered
            else "no cluster is registered there (cluster Secret or argocd_cluster); only Argo CD's built-in in-cluster")
    raise UsageError(f"cluster {cluster!r} is not registered in {where}", hint=hint)


@fleet_command.command("diff")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@click.option("--env", "env", help="Fleet environment (default: the first one in the stack definition).")
@click.option("--base", help="Git revision to compare with (default: merge base with the default branch).")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True)
@click.pass_context
def diff_command(ctx: click.Context, paths, env, base, fmt) -> int:
    """Per cluster, which applications a change adds, changes or removes, with the values diff:
    the fleet section of `otelstack plan`, without Terraform or a cluster. With PATH: every
    ApplicationSet there, expanded in the working tree and at the base revision (a temporary git
    worktree), compared application by application."""
    import json

    if paths:
        from pathlib import Path

        from otelstack.errors import UsageError
        from otelstack.external import ProcessRunner
        from otelstack.external.git import Git
        from otelstack.fleet.tree import base_tree, diff_markdown, diff_text, expand_tree, tree_diff
        from otelstack.gitrepo import find_repository
        if env:
            raise UsageError("--env applies to the stack definition's fleets (no PATH)")
        repositories = [find_repository(path) for path in paths]
        outside = [path for path, repository in zip(paths, repositories) if repository is None]
        if outside:  # nothing to compare with: not a result a CI job may read as "no changes"
            raise UsageError(f"{outside[0]}: not inside a git repository, nothing to compare against")
        head = expand_tree(list(paths))
        git = Git(ProcessRunner(), Path(repositories[0].toplevel))
        ref, label, note = _base_or_usage_error(git, base)
        changes = tree_diff(base_tree(list(paths), ref), head)
        if fmt == "json":
            click.echo(json.dumps({"version": 1, "paths": list(paths), "base": label, "note": note,
                                   "changes": [c.to_json() for c in changes] if ref is not None else None}, indent=2))
        else:
            click.echo((diff_markdown if fmt == "markdown" else diff_text)(changes, label, note), nl=False)
        return ExitCode.OK

    from otelstack.commands.common import load_stack_from
    from otelstack.external import ProcessRunner
    from otelstack.external.git import Git
    from otelstack.fleet import fleet_environment
    from otelstack.plan import fleet_plan
    from otelstack.plan.formats import fleet_markdown, fleet_text

    stack_file = load_stack_from(ctx)
    environment = fleet_environment(stack_file, env)
    git = Git(ProcessRunner(), stack_file.root)
    ref, label, note = _base_or_usage_error(git, base)
    result = fleet_plan(stack_file, environment, git, ref, label, note)
    if fmt == "json":
        click.echo(json.dumps({"version": 1, "environment": environment, **result.to_json()}, indent=2))
    else:
        lines = (fleet_markdown if fmt == "markdown" else fleet_text)(result)
        click.echo("\n".join(lines).lstrip("\n"))
    return ExitCode.OK


def _base_or_usage_error(git, base):
    """The revision `fleet diff` compares against. Comparing is the command's whole job: where there is
    nothing to compare with, it is a usage error, never a result a CI job may read as "no changes"."""
    from otelstack.errors import UsageError
    from otelstack.plan import resolve_base

    ref, label, note = resolve_base(git, base)
    if ref is None:
        raise UsageError(f"fleet diff: {note.removeprefix('not compared: ')}", hint="run it in a git repository, or pass --base REF")
    return ref, label, note
