"""Rule configuration (severity per rule, `off` to disable) and inline suppressions.

Configuration comes, later winning, from the stack definition's `validate.rules`, a
`.otelstack.yaml` at the root of the checked tree, and `--rule ID=SEVERITY` on the command line.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any

from otelstack.errors import UsageError
from otelstack.source import Location
from otelstack.validate.finding import Severity
from otelstack.yamlsource import load_yaml, read_text

CONFIG_FILE = ".otelstack.yaml"
LEVELS = ("off", "error", "warning", "info")
_SUPPRESSION = re.compile(
    r"""(?:#|//)\s*otelstack:\s*ignore=(?P<rules>[A-Za-z0-9_,-]+)(?:\s+reason=(?P<reason>"[^"]*"|'[^']*'|\S+))?"""
)


@dataclass(frozen=True)
class HelmValuesDeclaration:
    """A values file the tree installs outside anything otelstack reads (a script's `helm install -f`,
    helmfile): which chart, at which version, it is for."""

    path: str  # absolute
    chart: str
    version: str
    release: str
    namespace: str | None
    location: Location  # the declaration in the config file


@dataclass
class Config:
    rules: dict[str, str] = field(default_factory=dict)
    kubernetes_version: str | None = None
    exclude: list[str] = field(default_factory=list)
    argocd_version: str | None = None
    registered_clusters: list[str] = field(default_factory=list)  # known to Argo CD, registered outside this tree
    own_repositories: list[str] = field(default_factory=list)  # this platform's repositories besides the tree's git remotes
    external_secrets: list[str] = field(default_factory=list)  # "namespace/name" of Secrets created outside this tree
    helm_values: list[HelmValuesDeclaration] = field(default_factory=list)


def level_of(setting: Any) -> str | None:
    if isinstance(setting, dict):
        setting = setting.get("severity")
    if setting is False:
        return "off"  # YAML 1.1 reads an unquoted `off` as false
    return setting if setting in LEVELS else None


def load_config(root: str, explicit: str | None = None) -> Config:
    path = explicit or os.path.join(root, CONFIG_FILE)
    if not os.path.isfile(path):
        if explicit:
            raise UsageError(f"config file {explicit} not found")
        return Config()
    display = os.path.relpath(path) if not explicit else explicit
    loaded = load_yaml(read_text(path, display), display)
    if loaded.problems:
        p = loaded.problems[0]
        raise UsageError(p.message, location=p.location)
    data = loaded.documents[0].data if loaded.documents else {}
    doc = loaded.documents[0] if loaded.documents else None
    if not isinstance(data, dict):
        raise UsageError(f"{display} must be a mapping", location=Location(display))
    allowed = ("rules", "kubernetesVersion", "argocdVersion", "exclude", "registeredClusters", "ownRepositories", "externalSecrets",
               "helmValues")
    unknown = set(data) - set(allowed)
    if unknown:
        key = sorted(unknown)[0]
        raise UsageError(f"unknown key {key!r} in {display}", location=doc.key_location((key,)), hint=f"allowed: {', '.join(allowed)}")
    rules = data.get("rules") or {}
    if not isinstance(rules, dict):
        raise UsageError(f"rules in {display} must map rule ids to off/error/warning/info", location=doc.location(("rules",)))
    for rule, setting in rules.items():
        if level_of(setting) is None:
            raise UsageError(f"rule {rule}: {setting!r} is not one of {', '.join(LEVELS)}", location=doc.location(("rules", rule)))
    version = data.get("kubernetesVersion")
    argocd = data.get("argocdVersion")
    registered = _strings(data, doc, display, "registeredClusters", "cluster server URLs or names")
    own = _strings(data, doc, display, "ownRepositories", "repository URLs")
    external = _strings(data, doc, display, "externalSecrets", "namespace/name")
    if not all(item.count("/") == 1 for item in external):
        raise UsageError(f"externalSecrets in {display} must be a list of namespace/name", location=doc.location(("externalSecrets",)))
    return Config({k: level_of(v) for k, v in rules.items()}, str(version) if version is not None else None,
                  list(data.get("exclude") or []), str(argocd) if argocd is not None else None,
                  registered_clusters=registered, own_repositories=own, external_secrets=external,
                  helm_values=_helm_values(data, doc, display, os.path.dirname(os.path.abspath(path))))


def _helm_values(data: dict, doc, display: str, base: str) -> list[HelmValuesDeclaration]:
    """`helmValues: [{file, chart, version, release?, namespace?}]`: values files installed by a tool
    otelstack does not read, declared so they are checked as that chart's values."""
    from otelstack import charts

    entries = data.get("helmValues") or []
    if not isinstance(entries, list):
        raise UsageError(f"helmValues in {display} must be a list of {{file, chart, version}}", location=doc.location(("helmValues",)))
    known = sorted(chart.name for chart in charts.all_charts())
    found = []
    for index, entry in enumerate(entries):
        where = doc.location(("helmValues", index))
        if not isinstance(entry, dict) or not all(key in entry for key in ("file", "chart", "version")):
            raise UsageError(f"helmValues[{index}] in {display} needs file, chart and version", location=where)
        for key in ("file", "chart", "version", "release", "namespace"):
            if key in entry and not isinstance(entry[key], str):
                raise UsageError(f"helmValues[{index}].{key} in {display} must be a string"
                                 + (" (quote the version: YAML reads 0.110 as a number)" if key == "version" else ""),
                                 location=doc.location(("helmValues", index, key)))
        extra = set(entry) - {"file", "chart", "version", "release", "namespace"}
        if extra:
            raise UsageError(f"helmValues[{index}] in {display}: unknown key {sorted(extra)[0]!r}", location=where,
                             hint="allowed: file, chart, version, release, namespace")
        if entry["chart"] not in known:
            raise UsageError(f"helmValues[{index}] in {display}: otelstack knows no chart {entry['chart']!r}",
                             location=doc.location(("helmValues", index, "chart")), hint=f"known: {', '.join(known)}")
        path = os.path.normpath(os.path.join(base, str(entry["file"])))
        if not os.path.isfile(path):
            raise UsageError(f"helmValues[{index}] in {display}: {entry['file']} does not exist",
                             location=doc.location(("helmValues", index, "file")))
        found.append(HelmValuesDeclaration(path, entry["chart"], str(entry["version"]), str(entry.get("release") or entry["chart"]),
                                           str(entry["namespace"]) if entry.get("namespace") is not None else None, where))
    return found


def _strings(data: dict, doc, display: str, key: str, what: str) -> list[str]:
    value = data.get(key) or []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise UsageError(f"{key} in {display} must be a list of {what}", location=doc.location((key,)))
    return list(value)


def parse_rule_options(options: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for option in options:
        rule, sep, level = option.partition("=")
        if not sep or level not in LEVELS:
            raise UsageError(f"--rule {option!r}: expected RULE=off|error|warning|info")
        out[rule] = level
    return out


def effective_severity(default: Severity, setting: str | None) -> Severity | None:
    if setting is None:
        return default
    if setting == "off":
        return None
    return Severity(setting)


@dataclass
class Suppression:
    file: str
    line: int  # the comment's line
    rules: tuple[str, ...]
    reason: str
    used: bool = False

    def covers(self, file: str, line: int, rule: str) -> bool:
        return file == self.file and line in (self.line, self.line + 1) and rule in self.rules


def find_suppressions(file: str, text: str) -> list[Suppression]:
    found = []
    if "otelstack:" not in text:
        return found
    for number, line in enumerate(text.splitlines(), 1):
        match = _SUPPRESSION.search(line)
        if match:
            reason = (match.group("reason") or "").strip("\"'").strip()
            found.append(Suppression(file, number, tuple(r for r in match.group("rules").split(",") if r), reason))
    return found
