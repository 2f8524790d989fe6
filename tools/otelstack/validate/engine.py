"""`otelstack validate`: load -> model -> rules -> report. Rules never print or decide severity;
this module stamps ids and severities, applies configuration and suppressions."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from otelstack.source import Location
from otelstack.errors import UsageError
from otelstack.gitrepo import find_repository
from otelstack.kubeschema import available_versions
from otelstack.validate.config import Config, effective_severity, find_suppressions, level_of, load_config
from otelstack.validate.finding import Finding, Problem, Report, Severity
from otelstack.validate.loaders import discover, loader
from otelstack.validate.model import Platform
from otelstack.validate.rules import all_rules, by_id
from otelstack.validate.rules.base import Context


@dataclass
class Options:
    only: set[str] | None = None  # run only these rules (tests, `--only`)
    severities: dict[str, str] = field(default_factory=dict)  # from --rule
    kubernetes_version: str | None = None
    config_path: str | None = None


@dataclass
class Loaded:
    platform: Platform
    skipped: list  # loaders.Skipped
    config: Config


def load(paths: list[str], config_path: str | None = None, git_source=None) -> Loaded:
    """A tree of PATHs as the model: what `validate` checks and `fleet expand PATH` expands.
    `git_source`: the revision git generators read (fleet diff's base); default HEAD of the tree's clone."""
    paths = list(paths) or ["."]
    discovery = discover(paths)
    _require_readable(paths, discovery)
    config = load_config(discovery.root, config_path)
    discovery.exclude(config.exclude)
    platform = Platform(discovery.root)
    platform.platform_repos |= set(config.own_repositories)  # before loading: values files of own sources are read
    for given in paths:  # validate may run on a subdirectory: the repository is found above it
        repository = find_repository(given)
        if repository is not None:
            platform.platform_repos |= set(repository.remotes)
            platform.repository_top = platform.repository_top or repository.toplevel
    tree_loader = loader(platform)
    tree_loader.git_source = git_source
    skipped = tree_loader.load(discovery)
    return Loaded(platform, skipped, config)


def validate(paths: list[str], options: Options | None = None) -> Report:
    options = options or Options()
    started = time.perf_counter()
    loaded = load(paths, options.config_path)
    platform, skipped, config = loaded.platform, loaded.skipped, loaded.config
    report = run_rules(platform, options, config)
    report.skipped = sorted(skipped, key=lambda s: s.file)
    report.root = platform.root
    report.tracebacks = list(platform.tracebacks)
    report.seconds = time.perf_counter() - started
    return report


def _require_readable(paths: list[str], discovery) -> None:
    """A file named on the command line that otelstack cannot read is a usage error, not a green run."""
    import os

    for given in paths:
        if os.path.isfile(given):
            display = os.path.relpath(os.path.abspath(given), discovery.root).replace(os.sep, "/")
            reason = next((s.reason for s in discovery.skipped if s.file == display), None)
            if reason is not None:
                raise UsageError(f"{given}: otelstack cannot read this file ({reason})",
                                 hint="it reads Terraform (.tf), Kubernetes YAML/JSON, Jinja (.j2), Jsonnet (.jsonnet), kustomizations, Helm charts and otelstack.yaml")


def run_rules(platform: Platform, options: Options, config=None) -> Report:
    config = config or load_config(platform.root, options.config_path)
    settings: dict[str, str | None] = {}
    for source in (platform.rule_settings, config.rules, options.severities):
        for rule, level in source.items():
            settings[rule] = level_of(level)
    known = by_id()
    suppressions = []
    for file in platform.files.values():
        for suppression in find_suppressions(file.path, file.text):
            bad = [r for r in suppression.rules if r not in known]
            if bad:
                platform.load_problems.append(("suppression-invalid", Problem(Location(file.path, suppression.line), f"suppression names unknown rule {', '.join(bad)}")))
            if not suppression.reason:
                platform.load_problems.append(("suppression-invalid", Problem(
                    Location(file.path, suppression.line), "suppression without a reason: nothing is suppressed",
                    'add reason="why this is fine here"')))
                continue
            suppressions.append(suppression)
    for rule_id in settings:
        if rule_id not in known:
            platform.load_problems.append(("suppression-invalid", Problem(Location(platform.root), f"configuration names unknown rule {rule_id!r}")))
    if config.argocd_version:
        platform.argocd_version = config.argocd_version
    platform.registered_clusters |= set(config.registered_clusters)
    platform.external_secrets |= set(config.external_secrets)
    version = options.kubernetes_version or config.kubernetes_version or platform.kubernetes_version
    if version not in available_versions():
        raise UsageError(f"no schemas for Kubernetes {version}", hint=f"available: {', '.join(available_versions())}")
    ctx = Context(platform, version)
    report = Report(files=sorted(platform.files), objects=len(platform.objects) + len(platform.applications), root=platform.root)
    findings: set[Finding] = set()
    for rule in all_rules():
        if options.only is not None and rule.id not in options.only:
            continue
        severity = effective_severity(rule.severity, settings.get(rule.id))
        if severity is None:
            continue
        report.rules_run.append(rule.id)
        try:
            problems = list(rule.check(ctx))
        except Exception as exc:  # a bug in one rule must not end the run
            import traceback

            platform.tracebacks.append(traceback.format_exc())
            problems = []
            if options.only is None or "internal-error" in options.only:
                findings.add(_finding(Problem(Location(platform.root), f"rule {rule.id} failed: {type(exc).__name__}: {exc}",
                                              "please report this with the input that triggered it"),
                                      "internal-error", Severity.ERROR, platform))
        for problem in problems:
            finding = _finding(problem, rule.id, severity, platform)
            hit = next((s for s in suppressions if s.covers(finding.file, finding.line, finding.rule)), None)
            if hit is not None:
                hit.used = True
                report.suppressed += 1
                continue
            findings.add(finding)
    report.findings = sorted(findings, key=lambda f: (f.file, f.line, f.column, f.severity.rank, f.rule, f.message))
    return report


def _finding(problem: Problem, rule: str, severity: Severity, platform: Platform) -> Finding:
    loc = problem.location
    hint = problem.hint
    source = platform.files.get(loc.file)
    if source is not None and source.generated_from:
        note = f"generated from {source.generated_from}: change it there and run `otelstack render`"
        hint = f"{hint}; {note}" if hint else note
    return Finding(loc.file, loc.line, loc.column, rule, severity, problem.message, hint, loc.end_line, loc.end_column)
