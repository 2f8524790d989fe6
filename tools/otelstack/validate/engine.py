"""`otelstack validate`: load -> model -> rules -> report. Rules never print or decide severity;
this module stamps ids and severities, applies configuration and suppressions."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

from otelstack.source import Location
from otelstack.errors import UsageError
from otelstack.gitrepo import find_repository
from otelstack.kubeschema import available_versions
from otelstack.validate.config import Config, effective_severity, find_suppressions, level_of, load_config
from otelstack.validate.finding import Finding, Problem, Report, Severity, listing
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
    _require_readable(paths, discovery.root, discovery.skipped)
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
    tree_loader.declared_values = list(config.helm_values)
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


def _require_readable(paths: list[str], root: str, skipped) -> None:
    """Files named on the command line that otelstack has no reader for, and nothing else named, is a
    usage error, not a green run. Among readable PATHs such a file is listed as not read, as is a file a
    reader took and found nothing in to check (--strict fails on either)."""
    import os

    unreadable = []
    for given in paths:
        if not os.path.isfile(given):
            return
        display = os.path.relpath(os.path.abspath(given), root).replace(os.sep, "/")
        reason = next((s.reason for s in skipped if s.file == display), None)
        if reason is None:
            return
        unreadable.append((given, reason))
    if unreadable:
        given, reason = unreadable[0]
        more = f" (and {len(unreadable) - 1} more named file(s) it cannot read)" if len(unreadable) > 1 else ""
        raise UsageError(f"{given}: otelstack cannot read this file ({reason}){more}",
                         hint="it reads Terraform (.tf), Kubernetes YAML/JSON and their templates, Jinja (.j2), Jsonnet (.jsonnet), "
                              "kustomizations, Helm charts and otelstack.yaml")


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
    report.findings = sorted(merge_generated(findings), key=lambda f: (f.file, f.line, f.column, f.severity.rank, f.rule, f.message))
    return report


# How a message names what it is about when one line of the tree stands for several of them: an
# application (Application.label, with its cluster when a generator chose it), or one language of an
# Instrumentation.
_APPLICATION = re.compile(r"application (?P<name>[^\s:]+)(?: \(cluster (?P<cluster>[^)]+)\))?(?=:)")
_INSTRUMENTATION = re.compile(r"Instrumentation (?P<name>[^\s:]+) \((?P<language>[^)]+)\)(?=:)")
_COLLECTOR = re.compile(r"^collector (?P<name>[^\s:]+)(?: \((?P<unknown>namespace not known)\))?(?=:)")


def merge_generated(findings) -> list[Finding]:
    """One finding per place: the same problem of several things written once — every application
    an ApplicationSet generates, every call of a module, every language an Instrumentation configures,
    every collector built from one shared library — is one fix at one line, reported once with what it concerns."""
    from dataclasses import replace

    groups: dict[tuple, list[tuple[tuple[str, str], Finding]]] = {}
    kept = []
    for finding in findings:
        match = _APPLICATION.search(finding.message) or _INSTRUMENTATION.search(finding.message) or \
            _COLLECTOR.search(finding.message)
        if match is None:
            kept.append(finding)
            continue
        key = (finding.file, finding.line, finding.column, finding.rule, finding.severity, finding.hint,
               match.re.pattern, finding.message[:match.start()], finding.message[match.end():])
        groups.setdefault(key, []).append((tuple(match.groups(default="")), finding))
    for key, members in groups.items():
        if len(members) == 1:
            kept.append(members[0][1])
            continue
        members.sort(key=lambda m: (m[0][1], m[0][0]))
        prefix, suffix = key[-2], key[-1]
        names = [m[0][0] for m in members]
        seconds = [m[0][1] for m in members]
        if key[-3] == _INSTRUMENTATION.pattern:
            label = f"Instrumentation {names[0]} ({listing(seconds)})" if len(set(names)) == 1 else \
                f"Instrumentations {listing(names)} ({listing(seconds)})"
        elif key[-3] == _COLLECTOR.pattern:
            if len(set(seconds)) > 1:
                names = [f"{name} ({second})" if second else name for name, second in zip(names, seconds)]
            label = f"collectors {listing(names)}" + (f" ({seconds[0]})" if len(set(seconds)) == 1 and seconds[0] else "")
        else:
            label = f"applications {listing(names)}" + (f" (clusters {listing(seconds)})" if any(seconds) else "")
        kept.append(replace(members[0][1], message=f"{prefix}{label}{suffix}"))
    return kept


def _finding(problem: Problem, rule: str, severity: Severity, platform: Platform) -> Finding:
    loc = problem.location
    hint = problem.hint
    source = platform.files.get(loc.file)
    if source is not None and source.generated_from:
        note = f"generated from {source.generated_from}: change it there and run `otelstack render`"
        hint = f"{hint}; {note}" if hint else note
    if problem.not_checked:
        severity = Severity.INFO
    return Finding(loc.file, loc.line, loc.column, rule, severity, problem.message, hint, loc.end_line, loc.end_column)
