"""How a chart names and exposes the Service otelstack wires to, read from its templates at every
published version (shared by the backend chart sources).

A version is *supported* when its Service template names the Service with the expected helper
(`name: {{ template|include "<helper>" . }}`) and that helper still holds the naming logic
otelstack's wiring implements (each of `helperLogic`, whitespace-insensitive). Each port role is a
named entry of the Service's ports (or the n-th one, for a chart whose port names are values):
its `port:` is a number, a values key, or taken from a receiver's endpoint (`{{ $port }}`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

from datagen import helmchart, ranges
from datagen.upstream import UpstreamRepo

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_PORT_ENTRY = re.compile(r"(?m)^[ \t]*-[ \t]*name:[ \t]*(.+?)[ \t]*\n[ \t]*port:[ \t]*(.+?)[ \t]*$")


@dataclass
class Version:
    version: str
    app_version: str
    values: dict
    supported: bool = False
    ports: dict[str, tuple[str, object]] = field(default_factory=dict)  # role -> (number|values|endpoint, value)

    def snapshot(self) -> helmchart.Snapshot:
        return helmchart.Snapshot(self.version, self.app_version, self.values, {}, set(), set(), None)


def published(repo: UpstreamRepo, chart: str) -> list[tuple[str, str]]:
    """(version, tag) of the chart's release tags `<chart>-X.Y.Z`, oldest first."""
    return ranges.release_tags(repo.tags(), f"{chart}-")


def read(repo: UpstreamRepo, chart: str, path: str, facts: dict, cache: dict) -> list[Version]:
    out = []
    for version, tag in published(repo, chart):
        blobs = repo.blobs(tag, path)
        chart_yaml = _load(repo, blobs.get(f"{path}/Chart.yaml"), cache)
        values = _load(repo, blobs.get(f"{path}/values.yaml"), cache)
        if not isinstance(chart_yaml, dict):
            continue
        entry = Version(version, str(chart_yaml.get("appVersion", "")).lstrip("v"), values if isinstance(values, dict) else {})
        _service(repo, blobs, path, facts, entry, cache)
        out.append(entry)
    return out


def _load(repo: UpstreamRepo, blob: str | None, cache: dict):
    if blob is None:
        return None
    if blob not in cache:
        cache[blob] = yaml.load(repo.blob(blob), Loader=_LOADER)
    return cache[blob]


def _service(repo: UpstreamRepo, blobs: dict[str, str], path: str, facts: dict, entry: Version, cache: dict) -> None:
    helper = re.escape(facts["helper"])
    named = re.compile(r"(?m)^kind:\s*Service\s*$[\s\S]*?^\s*name:\s*\{\{-?\s*(?:template|include)\s+\"" + helper + r"\"\s+\.\s*-?}}\s*$")
    templates = {name: blob for name, blob in blobs.items() if name.startswith(f"{path}/templates/")}
    documents = [document for name, blob in sorted(templates.items()) if name.endswith((".yaml", ".yml"))
                 for document in re.split(r"(?m)^---\s*$", repo.blob(blob))]
    service = next((document for document in documents if named.search(document)), None)
    helpers = "\n".join(repo.blob(blob) for name, blob in sorted(templates.items()) if name.endswith(".tpl"))
    if service is None or not _holds_logic(helpers, facts["helper"], facts["helperLogic"]):
        return
    entries = _PORT_ENTRY.findall(service) + _PORT_ENTRY.findall(helpers)
    own = _PORT_ENTRY.findall(service)
    for role, wanted in facts["ports"].items():
        found = own[wanted] if isinstance(wanted, int) and wanted < len(own) else next(
            (e for e in entries if e[0].strip("'\"") == wanted), None)
        if found is None:
            return
        entry.ports[role] = _port(found[1])
    entry.supported = True


def _holds_logic(helpers: str, helper: str, logic: list[str]) -> bool:
    match = re.search(r"define\s+\"" + re.escape(helper) + r"\"\s*-?}}([\s\S]*?)\{\{-?\s*define\s", helpers + "{{ define ")
    if not match:
        return False
    body = re.sub(r"\s+", " ", match.group(1))
    return all(re.sub(r"\s+", " ", piece) in body for piece in logic)


def _port(text: str) -> tuple[str, object]:
    text = text.strip()
    if text.isdigit():
        return ("number", int(text))
    values = re.fullmatch(r"\{\{-?\s*\.Values\.([\w.]+)\s*-?}}", text)
    if values:
        return ("values", values.group(1))
    if re.fullmatch(r"\{\{-?\s*\$\w+\s*-?}}", text):
        return ("endpoint", None)
    return ("other", text)


def supported_run(found: list[Version]) -> list[Version]:
    """The versions of the last unbroken run of supported ones (up to the newest)."""
    run: list[Version] = []
    for item in found:
        run = run + [item] if item.supported else []
    if not run:
        raise ValueError("no published version has the Service layout otelstack knows: check hand/backends.yaml")
    return run


def versioned(run: list[Version], value) -> list[dict]:
    """A fact per version as [{value, since?, until?}] over the run (bounds left out at its ends)."""
    return ranges.runs([value(v) for v in run], [v.version for v in run])


def first_of_final_run(run: list[Version], holds) -> str | None:
    since = None
    for item in run:
        since = (since or item.version) if holds(item) else None
    return since


def defaults(found: list[Version], notes: dict[str, dict]) -> dict[str, list[dict]]:
    snapshots = [v.snapshot() for v in found]
    def note(by_value: dict, value) -> dict:
        hashable = isinstance(value, (str, int, float, bool))
        return {"note": by_value[value]} if hashable and value in (by_value or {}) else {}

    return {key: [dict(entry, **note(by_value, entry["value"])) for entry in helmchart.default_ranges(snapshots, key)]
            for key, by_value in sorted(notes.items())}
