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
    data = helmchart.chart_data(chart, known, snapshots)
    schema = data["valuesSchema"]
    schema_note = ("The chart ships a values.schema.json that rejects unknown keys: a typo fails the Argo CD sync."
                   if schema else "The chart ships no values.schema.json: Helm accepts unknown keys and wrong types.")
    header = HEADER.format(title=known["title"], chart=chart, minimum=minimum, schema_note=schema_note)
    return {f"charts/{chart}.yaml": DataFile(data, header)}
