"""Not checked: otelstack has no data for the version deployed (once per component, never silent).

otelstack checks chart values, collector components and Beyla's configuration against data for
the exact version deployed (tools/otelstack/data, regenerated from upstream with `make data`).
When the version is outside that data (a chart older than the data covers, a collector image tag
or Beyla release otelstack has never seen, a `latest` tag with no operator in the tree to say which
release it is), those checks are skipped, and this says so, once per component, with the range
the data does cover. A chart version newer than the data is reported by helm-chart-version-newer.

Problematic (info):
    spec: {image: otel/opentelemetry-collector-contrib:0.89.0}
Correct:
    a release otelstack knows, or accept the info (suppress it with a reason)
"""

from otelstack.validate.finding import Problem
from otelstack.validate.rules._collector import configs
from otelstack.validate.rules._knowledge import beyla_releases, chart_sources_by_status, collector_image
from otelstack.validate.rules.base import Context

ID = "knowledge-not-checked"
SEVERITY = "info"
GROUP = "meta"


def check(ctx: Context):
    for app, source, version in chart_sources_by_status(ctx, "older"):
        first, last = source.knowledge.coverage()
        yield Problem(app.loc(*source.base, "targetRevision"),
                      f"application {app.label}: {source.knowledge.title} chart {version} not checked: no data for it "
                      f"(otelstack's data covers {first} to {last}): its values are not checked",
                      "use a chart version the data covers, or regenerate the data (make data)")
    for collector, _ in configs(ctx):
        image = collector_image(ctx, collector)
        if image.unchecked:
            yield Problem(image.location, f"collector {collector.label}: components not checked: {image.unchecked}",
                          f"set {collector.image_field} to a released collector image with its version tag" if not image.repository
                          else "pin a collector release otelstack knows, or regenerate the data (make data)")
    for release in beyla_releases(ctx):
        if release.unchecked and release.chart and release.version:
            yield Problem(release.app.loc(*release.source.base, "targetRevision"),
                          f"application {release.app.label}: Beyla configuration not checked: {release.unchecked} (Beyla from {release.how})",
                          "regenerate the data (make data) if this Beyla release is newer")
