"""`otelstack plan` and `otelstack apply`: validate, plan with Terraform, summarise per Argo CD
application, diff the rendered manifests against a git base; apply only the reviewed plan."""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from otelstack.errors import OtelstackError, UsageError
from otelstack.external.git import Git
from otelstack.external.runner import ProcessRunner, Runner
from otelstack.external.terraform import Terraform
from otelstack.plan.fingerprint import differences, fingerprint
from otelstack.plan.manifests import FileDiff, manifest_diffs
from otelstack.plan.summary import PlanSummary, summarize

if TYPE_CHECKING:  # the fleet part is imported only for fleet environments
    from otelstack.fleet.diff import FleetPlan

PLAN_NAME = "otelstack.tfplan"
LOG_DIR = ".otelstack/logs"


@dataclass
class Target:
    """Where to plan: the repo, the environment and its Terraform root."""

    repo_root: Path
    root: Path
    environment: str | None
    stack_file: Path | None

    @property
    def plan_file(self) -> Path:
        return self.root / PLAN_NAME

    @property
    def meta_file(self) -> Path:
        return self.root / (PLAN_NAME + ".json")

    @property
    def label(self) -> str:
        return self.environment or self.display(self.root)

    def display(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.repo_root.resolve()).as_posix()
        except ValueError:
            return str(path)

    def log(self, step: str) -> Path:
        return self.repo_root / LOG_DIR / f"{self.label.replace('/', '_')}-{step}.log"

    def inputs(self) -> list[Path]:
        """Everything the plan is made from (fingerprinted for apply)."""
        paths = [self.root, self.repo_root / "terraform" / "modules", self.repo_root / ".otelstack.yaml"]
        if self.stack_file is not None:
            paths.append(self.stack_file)
        if self.environment:
            paths.append(self.repo_root / "manifests" / "rendered" / self.environment)
        return paths


@dataclass
class PlanReport:
    target: Target
    validation: dict
    summary: PlanSummary
    manifests: list[FileDiff] | None
    base_label: str = ""
    base_note: str = ""
    findings: list = field(default_factory=list)
    fleet: "FleetPlan | None" = None  # for a fleet environment: per cluster, what the change does

    @property
    def environment(self) -> str | None:
        return self.target.environment

    @property
    def label(self) -> str:
        return self.target.label

    @property
    def root_display(self) -> str:
        return self.target.display(self.target.root)

    @property
    def plan_file(self) -> str:
        return self.target.display(self.target.plan_file)

    @property
    def apply_args(self) -> str:
        return f"--env {self.environment}" if self.environment else f"--root {self.root_display}"


class Progress:
    """Step lines on stderr, with how long each took."""

    def __init__(self, quiet: bool = False) -> None:
        self.quiet = quiet
        self.started = 0.0

    def step(self, text: str) -> None:
        self.started = time.monotonic()
        if not self.quiet:
            print(f"plan: {text} ...", file=sys.stderr, flush=True)

    def done(self, text: str = "") -> None:
        if not self.quiet:
            print(f"plan:   {text or 'done'} ({time.monotonic() - self.started:.1f}s)", file=sys.stderr, flush=True)


def resolve_target(stack_path: Path | None, env: str | None, root: str | None) -> Target:
    from otelstack.stack import load_stack

    stack_file = None
    repo_root = Path.cwd()
    if stack_path is not None and stack_path.is_file():
        stack_file = stack_path.resolve()
        repo_root = stack_file.parent
    if root:
        root_path = Path(root).resolve()
        if not root_path.is_dir():
            raise UsageError(f"Terraform root {root} does not exist")
        if stack_file is None:
            repo_root = _git_root(root_path) or Path.cwd()
        return Target(repo_root, root_path, env, stack_file)
    if stack_file is None:
        raise UsageError("no stack definition found and no --root given", hint="run in a platform repo (otelstack.yaml), or pass --root DIR")
    loaded = load_stack(stack_file, stack_file.name)
    loaded.require_valid()
    environment = env or loaded.environments[0]
    loaded.resolve(environment)  # a clear error for an unknown environment
    root_path = repo_root / "terraform" / "environments" / environment
    if not root_path.is_dir():
        raise UsageError(f"no Terraform root for environment {environment!r} at {root_path}", hint="run `otelstack render`")
    return Target(repo_root, root_path, environment, stack_file)


def _git_root(path: Path) -> Path | None:
    for directory in (path, *path.parents):
        if (directory / ".git").exists():
            return directory
    return None


def run_validation(target: Target):
    from otelstack.validate import validate

    tree = target.repo_root if target.stack_file is not None else target.root
    return validate([str(tree)])


def plan(target: Target, *, base: str | None = None, runner: Runner | None = None, quiet: bool = False) -> PlanReport:
    runner = runner or ProcessRunner()
    progress = Progress(quiet)
    progress.step("validating")
    report = run_validation(target)
    counts = report.counts()
    errors = [f for f in report.findings if f.severity.value == "error"]
    if errors:
        raise ValidationFailed(report)
    progress.done(f"{counts['error']} errors, {counts['warning']} warning{'s' if counts['warning'] != 1 else ''}")
    terraform = Terraform(runner, target.root, log=target.log("terraform"))
    target.log("terraform").parent.mkdir(parents=True, exist_ok=True)
    progress.step(f"terraform init in {target.display(target.root)} (log: {target.display(target.log('terraform'))})")
    terraform.init()
    progress.done()
    files = fingerprint(target.inputs(), target.repo_root)  # before plan: what the plan is made from
    progress.step("terraform plan")
    terraform.plan(target.plan_file)
    progress.done()
    shown = terraform.show_json(target.plan_file)
    summary = summarize(shown)
    meta = {
        "version": 1,
        "environment": target.environment,
        "root": target.display(target.root),
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "terraform_version": shown.get("terraform_version"),
        "summary": summary.counts(),
        "files": files,
    }
    target.meta_file.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    manifests, base_label, base_note, ref = _manifests(target, base, runner)
    return PlanReport(target, counts, summary, manifests, base_label, base_note, report.findings,
                      _fleet(target, ref, base_label, base_note, runner))


def _fleet(target: Target, ref: str | None, base_label: str, base_note: str, runner: Runner):
    """For a fleet environment: per cluster, what the change does (base and head expanded)."""
    from otelstack.stack import load_stack

    if target.stack_file is None or not target.environment:
        return None
    stack_file = load_stack(target.stack_file, target.stack_file.name)
    if not stack_file.is_fleet(target.environment):
        return None
    return fleet_plan(stack_file, target.environment, Git(runner, target.repo_root), ref, base_label, base_note)


def fleet_plan(stack_file, environment: str, git: Git, ref: str | None, base_label: str, base_note: str = ""):
    from otelstack.fleet import expand_environment
    from otelstack.fleet.diff import FleetPlan, base_expansion, fleet_diff

    head = expand_environment(stack_file, environment)
    if ref is None:
        return FleetPlan(len(head.clusters), base_label, base_note, None)
    rel = stack_file.path.resolve().relative_to(git.toplevel().resolve()).as_posix()
    return FleetPlan(len(head.clusters), base_label, "", fleet_diff(base_expansion(git.show(ref, rel), environment), head))


def resolve_base(git: Git, base: str | None) -> tuple[str | None, str, str]:
    """The git revision a change is compared against: (ref, label, why-not note)."""
    if not git.is_repo():
        return None, "", "not compared: not a git repository"
    if base is not None:
        ref = git.resolve(base)
        if ref is None:
            raise UsageError(f"--base {base}: no such git revision")
        return ref, base, ""
    branch = git.default_branch()
    if branch is None:
        return None, "", "not compared: no default branch found (pass --base REF)"
    merge_base = git.merge_base(branch)
    if merge_base is None:
        return None, "", f"not compared: no merge base with {branch}"
    return merge_base, f"merge base with {branch} ({merge_base[:12]})", ""


def _manifests(target: Target, base: str | None, runner: Runner) -> tuple[list[FileDiff] | None, str, str, str | None]:
    if not target.environment:
        return None, "", "not compared: no environment (plan with --env to diff its rendered manifests)", None
    git = Git(runner, target.repo_root)
    ref, label, note = resolve_base(git, base)
    if ref is None:
        return None, label, note, None
    top = git.toplevel()
    prefix = target.repo_root.resolve().relative_to(top.resolve()).as_posix() if target.repo_root.resolve() != top.resolve() else ""
    directory = f"{prefix}/manifests/rendered/{target.environment}" if prefix else f"manifests/rendered/{target.environment}"
    return manifest_diffs(git, ref, top, directory), label, "", ref


class ValidationFailed(OtelstackError):
    def __init__(self, report) -> None:
        counts = report.counts()
        super().__init__(f"validation found {counts['error']} errors: nothing was planned",
                         hint="fix them (`otelstack validate` shows them with file and line) and plan again")
        self.report = report


def apply(target: Target, *, auto_approve: bool, plan_file: Path | None = None, runner: Runner | None = None,
          confirm=None, quiet: bool = False) -> None:
    runner = runner or ProcessRunner()
    plan_path = Path(plan_file) if plan_file else target.plan_file
    meta_path = Path(str(plan_path) + ".json")
    if not plan_path.is_file() or not meta_path.is_file():
        raise UsageError(f"no saved plan at {target.display(plan_path)}", hint=f"run `otelstack plan {'--env ' + target.environment if target.environment else '--root ' + target.display(target.root)}` first")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    changed = differences(meta.get("files", {}), fingerprint(target.inputs(), target.repo_root))
    if changed:
        shown = ", ".join(changed[:5]) + (f" and {len(changed) - 5} more" if len(changed) > 5 else "")
        raise OtelstackError(f"refusing to apply: the plan was made from another tree ({len(changed)} file(s) differ: {shown})",
                             hint="run `otelstack plan` again and review it")
    progress = Progress(quiet)
    progress.step("validating again")
    report = run_validation(target)
    if report.counts()["error"]:
        raise ValidationFailed(report)
    progress.done()
    counts = meta.get("summary", {})
    described = ", ".join(f"{counts.get(a, 0)} to {a}" for a in ("create", "update", "replace", "delete"))
    if not auto_approve:
        if confirm is None:
            if not sys.stdin.isatty():
                raise UsageError("refusing to apply without confirmation: stdin is not a terminal", hint="pass --auto-approve in automation")
            import click

            confirm = lambda: click.confirm(f"Apply the plan for {target.label} ({described})?", default=False)
        if not confirm():
            raise OtelstackError("apply cancelled")
    terraform = Terraform(runner, target.root, log=target.log("terraform"))
    progress.step(f"terraform apply ({described})")
    terraform.apply(plan_path)
    progress.done("applied")
    plan_path.unlink(missing_ok=True)
    meta_path.unlink(missing_ok=True)
