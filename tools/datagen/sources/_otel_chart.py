"""A chart of open-telemetry/opentelemetry-helm-charts, read at its release tags (<chart>-X.Y.Z)."""

from __future__ import annotations

from datagen import DataFile, hand, helmchart, ranges
from datagen.upstream import UpstreamRepo

HEADER = """\
Chart knowledge: {title} (chart `{chart}`), from the chart's Chart.yaml, values.yaml,
values.schema.json and templates at every release tag from {minimum}. Key notation as in beyla.yaml:
`since`/`until` (chart versions, inherited by children), `renderedSince`/`renderedUntil`/`rendered`,
`items`/`values` (`k8s:<definition>`), `type: map` free-form. {schema_note}"""


def generate(repo: UpstreamRepo, chart: str, minimum: str) -> dict[str, DataFile]:
    known = hand("charts.yaml")[chart]
    tags = ranges.release_tags(repo.tags(), f"{chart}-", minimum)
    snapshots = [snap for _, tag in tags if (snap := helmchart.snapshot(repo, tag, f"charts/{chart}")) is not None]
    values = helmchart.merge(snapshots)
    helmchart.apply_overrides(values, known.get("keys"))
    schema = snapshots[-1].schema is not None
    data = {
        "chart": chart,
        "title": known["title"],
        "sources": known["sources"],
        "valuesSchema": schema,
        "appVersions": {s.version: s.app_version for s in snapshots},
        "values": values,
    }
    defaults = {key: [dict(entry, **({"note": notes[entry["value"]]} if entry["value"] in notes else {}))
                      for entry in helmchart.default_ranges(snapshots, key)]
                for key, notes in sorted((known.get("defaults") or {}).items())}
    if defaults:
        data["defaults"] = defaults
    schema_note = ("The chart ships a values.schema.json that rejects unknown keys: a typo fails the Argo CD sync."
                   if schema else "The chart ships no values.schema.json: Helm accepts unknown keys and wrong types.")
    header = HEADER.format(title=known["title"], chart=chart, minimum=minimum, schema_note=schema_note)
    return {f"charts/{chart}.yaml": DataFile(data, header)}
