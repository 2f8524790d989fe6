"""Chart version newer than otelstack's data: it may well exist, but its values are not fully checked.

Charts publish often; otelstack's data (tools/otelstack/data/charts/, `make data`) may be older
than the chart you pin. The sync may work; otelstack cannot tell, so this is a warning, not an
error: values are checked against the newest version it knows for types only, not for unknown
keys. Regenerate the data, or pin a version the data knows. (A version inside the known range
that was never published is helm-chart-version-unknown, an error: the sync will fail.)

Problematic (when the data ends at beyla 1.16.11):
    chart = "beyla", target_revision = "1.17.0"
Correct:
    chart = "beyla", target_revision = "1.16.11"   # or regenerate the data
"""

from otelstack.validate.finding import Problem
from otelstack.validate.rules._knowledge import chart_sources_by_status
from otelstack.validate.rules.base import Context

ID = "helm-chart-version-newer"
SEVERITY = "warning"
GROUP = "helm"


def check(ctx: Context):
    for app, source, version in chart_sources_by_status(ctx, "newer"):
        _, last = source.knowledge.coverage()
        yield Problem(app.loc(*source.base, "targetRevision"),
                      f"application {app.label}: {source.knowledge.title} chart {version} is newer than otelstack's data "
                      f"(newest known: {last}): its values are checked for types only, not for unknown keys",
                      "regenerate the data (make data), or pin a chart version the data knows")
