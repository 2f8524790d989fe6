"""`otelstack init [DIR]`."""

from __future__ import annotations

from pathlib import Path

import click

from otelstack.errors import ExitCode


@click.command("init")
@click.argument("directory", type=click.Path(file_okay=False), default=".")
@click.option("--env", "environments", multiple=True, help="Environment to define (repeatable; default: kind and production).")
@click.option("--cluster-name", help="Argo CD cluster name (or API server URL) the non-kind environments deploy to.")
@click.option("--fleet", metavar="ENV", help="Also define a fleet environment ENV: ApplicationSets over example clusters to edit.")
@click.option("--module-source", help="Terraform source of the otelstack module (default: this version's git tag).")
@click.option("--force", is_flag=True, help="Overwrite files that exist and differ.")
@click.option("--upgrade", is_flag=True, help="Move the repo to this otelstack version: module refs, generated files, render.")
@click.option("--dry-run", is_flag=True, help="Show what would be created or changed; write nothing.")
def init_command(directory, environments, cluster_name, fleet, module_source, force, upgrade, dry_run) -> int:
    """Scaffold a platform repo (new or existing): the stack definition, one Terraform root per
    environment using otelstack's modules by version, make targets, a GitHub Actions workflow,
    and pre-commit hooks. Never overwrites a file without --force; running it twice changes nothing."""
    from otelstack.errors import UsageError
    from otelstack.scaffold import DEFAULT_ENVIRONMENTS, Options, apply_init, plan_init

    root = Path(directory).resolve()
    if upgrade:
        return _upgrade(root, dry_run)
    root.mkdir(parents=True, exist_ok=True)
    options = Options(list(dict.fromkeys(environments)) or list(DEFAULT_ENVIRONMENTS), cluster_name, module_source, force, fleet=fleet)
    _read_git(root, options)
    if (root / "otelstack.yaml").exists() and (environments or fleet) and not force:
        raise UsageError("this repo already has otelstack.yaml: --env and --fleet only apply to a new one",
                         hint="add environments to otelstack.yaml directly, or pass --force to replace it")
    changes = plan_init(root, options)
    _report(changes, dry_run)
    if not dry_run:
        apply_init(root, options, changes)
    _render(root, dry_run)
    skipped = [c for c in changes if c.status == "skip"]
    if skipped and not dry_run:
        click.echo(f"init: {len(skipped)} file(s) kept as they are; `otelstack init --dry-run` shows the differences, --force overwrites")
    return ExitCode.OK


def _read_git(root: Path, options) -> None:
    """The repository Argo CD reads from (the origin remote) and the default branch the workflow
    applies from, when `root` is a git repository."""
    from otelstack.external import ProcessRunner
    from otelstack.external.git import Git

    git = Git(ProcessRunner(), root)
    if not ((root / ".git").exists() and git.is_repo()):
        return
    remote = git.runner.run(["git", "remote", "get-url", "origin"], cwd=root, check=False)
    if remote.ok and remote.stdout.strip():
        options.repository_url = remote.stdout.strip()
    branch = git.default_branch()
    if branch is None:  # a new repository: its current branch becomes the default one
        current = git.runner.run(["git", "symbolic-ref", "--short", "HEAD"], cwd=root, check=False)
        branch = current.stdout.strip() if current.ok else None
    if branch:
        options.default_branch = branch.split("/")[-1]


def _report(changes, dry_run: bool) -> None:
    verb = {"create": "would create" if dry_run else "created", "overwrite": "would overwrite" if dry_run else "overwrote",
            "skip": "skipped", "unchanged": "unchanged", "update": "would update" if dry_run else "updated"}
    for change in changes:
        click.echo(f"{verb[change.status]:15} {change.path}" + (f"  ({change.note})" if change.note else ""))
        if dry_run and change.diff:
            click.echo(change.diff, nl=False)


def _render(root: Path, dry_run: bool) -> None:
    from otelstack.render import apply_changes, changes_for, render
    from otelstack.stack import load_stack

    stack_path = root / "otelstack.yaml"
    if not stack_path.is_file():
        return  # a dry run of a new repo: nothing to render yet
    stack_file = load_stack(stack_path, "otelstack.yaml")
    stack_file.require_valid()
    result = render(stack_file)
    changes = changes_for(stack_file, result, None)
    for change in changes:
        click.echo(f"{('would ' + change.kind) if dry_run else change.kind + 'd':15} {change.path}")
        if dry_run:
            click.echo(change.diff, nl=False)
    if not dry_run:
        apply_changes(stack_file.root, result.outputs, changes)
    click.echo(f"init: render {'would change' if dry_run else 'changed'} {len(changes)} file(s)")


def _upgrade(root: Path, dry_run: bool) -> int:
    from otelstack import __version__
    from otelstack.errors import UsageError
    from otelstack.render.files import write_atomic
    from otelstack.scaffold import GENERATED, _diff, generated_version, planned_files, upgraded_stack_text, Options
    from otelstack.stack import load_stack

    stack_path = root / "otelstack.yaml"
    if not stack_path.is_file():
        raise UsageError(f"no otelstack.yaml in {root}", hint="run `otelstack init` first")
    load_stack(stack_path, "otelstack.yaml").require_valid()  # a schema problem says exactly what to change
    text = stack_path.read_text(encoding="utf-8")
    new_text, old = upgraded_stack_text(text)
    if old is None:
        click.echo("upgrade: otelstack.yaml has no versioned module source (?ref=): left as it is")
    elif new_text != text:
        click.echo(f"{'would update' if dry_run else 'updated':15} otelstack.yaml  (module source v{old} -> v{__version__})")
        click.echo(_diff("otelstack.yaml", text, new_text), nl=False)
        if not dry_run:
            write_atomic(stack_path, new_text)
    else:
        click.echo(f"unchanged       otelstack.yaml  (module source already at v{__version__})")
    stack = load_stack(stack_path, "otelstack.yaml")
    # The same choices as init made: the first non-kind, non-fleet environment applies; the git default branch.
    options = Options([env for env in stack.environments if not stack.is_fleet(env)] or stack.environments)
    _read_git(root, options)
    for rel, (content, _) in planned_files(root, options).items():
        path = root / rel
        if rel == "otelstack.yaml" or not path.is_file():
            continue
        current = path.read_text(encoding="utf-8", errors="replace")
        version = generated_version(current)
        if GENERATED not in current[:400] or current == content:
            continue
        click.echo(f"{'would refresh' if dry_run else 'refreshed':15} {rel}  (generated by otelstack {version or '?'})")
        click.echo(_diff(rel, current, content), nl=False)
        if not dry_run:
            write_atomic(path, content)
    _render(root, dry_run)
    return 0
