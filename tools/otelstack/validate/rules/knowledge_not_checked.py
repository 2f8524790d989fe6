"""Not checked: otelstack has no data for the version deployed, or the values are known at apply only.

otelstack checks chart values, collector components and Beyla's configuration against data for
the exact version deployed (tools/otelstack/data, regenerated from upstream with `make data`).
When the version is outside that data (a chart older than the data covers, a collector image tag
or Beyla release otelstack has never seen, a `latest` tag with no operator in the tree to say which
release it is), those checks are skipped, and this says so, once per component, with the range
the data does cover. A chart version newer than the data is reported by helm-chart-version-newer.
Chart values that are known at apply time only (a variable, an expression otelstack does not
evaluate) are not checked either, and this says so for each application.

A collector component name the data cannot settle (a snake_case rename with no known first
release, see collector-component-not-in-image) is said here too, once per component. So are
components whose settings collector-component-config cannot check at a known release: the data
holds the settings of the core repository's components and, from contrib, of k8sattributes
(k8s_attributes) and filelog over the contrib releases established; any other component, or
those two on a release outside that range, is said once per collector and component type.

Problematic (info):
    spec: {image: otel/opentelemetry-collector-contrib:0.89.0}
Correct:
    a release otelstack knows, or accept the info (suppress it with a reason)
"""

from otelstack.source import is_unknown
from otelstack.validate.finding import Problem, listing
from otelstack.validate.rules._collector import configs
from otelstack.validate.rules._component_config import unchecked_settings
from otelstack.validate.rules._beyla import deployments
from otelstack.validate.rules._tf_schema import admitted, resources as tf_resources
from otelstack.validate.rules._knowledge import chart_sources_by_status, collector_image, components_at_release
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
    yield from ctx.load_problems(ID)  # what the loaders could not follow (a Flux chartRef to a source not in the tree)
    for app in ctx.platform.applications:
        for source in app.sources:
            if app.engine == "helm" and source.knowledge is None and is_unknown(source.chart):
                yield Problem(app.loc(*source.base, "chart"), f"application {app.label}: the chart is known at apply time only "
                                                              f"({source.chart.expression}): its values are not checked",
                              "name the chart where the release is declared, or validate the module with what calls it")
            # (an ApplicationSet's template that could not be expanded says so itself: fleet-cannot-expand)
            if source.knowledge is not None and is_unknown(source.target_revision) and source.values is not None \
                    and app.origin != "appset-template":
                yield Problem(app.loc(*source.base, "targetRevision"),
                              f"application {app.label}: the {source.knowledge.title} chart version is known at apply time only "
                              f"({source.target_revision.expression}): its values are not checked against a chart version",
                              "pin the chart version where the release is declared")
            unversioned = source.knowledge is not None and source.target_revision in (None, "") and app.engine == "helm" \
                and app.origin != "helm-chart"
            if unversioned:
                yield Problem(app.key_loc(*source.base),
                              f"application {app.label}: no {source.knowledge.title} chart version is given (the newest is "
                              "installed at apply time): its values are not checked against a chart version",
                              "pin the chart version")
            if source.knowledge is not None and source.values_unknown and source.values is None and not unversioned:
                given = next((v for key in ("values", "valuesObject", "valueFiles") if is_unknown(v := app.get(*source.base, "helm", key))), None)
                shown = f" ({given.expression})" if given is not None else ""
                yield Problem(app.loc(*source.base), f"application {app.label}: its {source.knowledge.title} chart values are known at apply "
                                                     f"time only{shown}: they are not checked",
                              "validate the rendered values, or pass them in a form otelstack reads (a literal yamlencode, a file)")
    for collector in ctx.platform.collectors:
        written = collector.obj.doc.get(("spec", "config"))
        if collector.config is None and is_unknown(written):
            yield Problem(collector.obj.doc.location(("spec", "config")),
                          f"collector {collector.label}: its configuration is known only once another tool fills it in"
                          f"{f' ({written.expression})' if written.expression else ''}: not checked", "validate the rendered manifest as well")
    for collector, _ in configs(ctx):
        image = collector_image(ctx, collector)
        if image.unchecked:
            yield Problem(image.location, f"collector {collector.label}: components not checked: {image.unchecked}",
                          f"set {collector.image_field} to a released collector image with its version tag" if not image.repository
                          else "pin a collector release otelstack knows, or regenerate the data (make data)")
    for collector, config, image, section, name, status in components_at_release(ctx):
        if status.unknown:
            yield Problem(config.key_location((section, name)),
                          f"collector {collector.label}: {section[:-1]} {name.split('/', 1)[0]!r} not checked against "
                          f"{image.label} ({image.distribution} distribution, release {image.version}): {status.unknown}",
                          "check the component's name in the collector's changelog, or fetch the contrib repository "
                          "and regenerate the data (make data)")
    yield from _collector_workloads(ctx)
    by_collector: dict[int, list] = {}
    for item in unchecked_settings(ctx):  # once per collector: the components, and why for each kind of reason
        by_collector.setdefault(id(item.collector), []).append(item)
    for items in by_collector.values():
        first = items[0]
        reasons: dict[str, list[str]] = {}
        for item in items:
            reasons.setdefault(item.reason, []).append(f"{item.section[:-1]} {item.name.split('/', 1)[0]}")
        why = "; ".join(f"{listing(kinds)}: {reason}" for reason, kinds in reasons.items())
        yield Problem(first.config.key_location((first.section, first.name)),
                      f"collector {first.collector.label}: settings not checked (collector {first.release}) of {why}",
                      "review their settings against each component's README for this release")
    reported: set[str] = set()
    for resource, address, raw, path in tf_resources(ctx):  # once per module directory
        directory = path.rsplit("/", 1)[0] if "/" in path else ""
        versions = admitted(ctx, path)
        if not versions.versions and directory not in reported:
            reported.add(directory)
            yield Problem(raw.location(()), f"{address}: the argocd provider's schema not checked in {directory or 'this module'}: "
                                            f"{versions.label}",
                          "add a version constraint (required_providers) or commit the module's .terraform.lock.hcl")
    for beyla in deployments(ctx):
        if beyla.unchecked and beyla.version:
            where = beyla.app.loc(*beyla.source.base, "targetRevision") if beyla.source is not None else beyla.location
            yield Problem(where, f"{beyla.what}: Beyla configuration not checked: {beyla.unchecked} (Beyla from {beyla.version_note})",
                          "regenerate the data (make data) if this Beyla release is newer")
        elif beyla.unchecked and beyla.config is not None:  # a configuration, but no release to check it against
            yield Problem(beyla.location, f"{beyla.what}: Beyla configuration not checked: {beyla.unchecked}",
                          "pin a Beyla release (an image tag)")


def _collector_workloads(ctx: Context):
    """A collector run as a hand-written workload whose configuration otelstack could not read: said not
    checked, with why (one it could read is a collector like any other)."""
    from otelstack.validate.model import WorkloadCollector
    from otelstack.validate.workload_collectors import collector_containers, config_path

    modelled = {(id(c.workload), c.obj.doc.location(("spec", "image"))) for c in ctx.platform.collectors if isinstance(c, WorkloadCollector)}
    for obj, container_path, container in collector_containers(ctx.platform.objects):
        where = obj.doc.location(container_path + ("image",))
        if (id(obj), where) in modelled:
            continue
        path = config_path(container)
        if path is None:
            why = "its --config names no single file of the pod (a default, several files, or an env:/http: source)"
        else:
            why = f"{path} is not read from a ConfigMap of the tree (a Secret, another volume, or a ConfigMap made elsewhere)"
        yield Problem(where, f"{obj.kind} {obj.name}: runs the OpenTelemetry Collector ({container.get('image')}); its configuration is "
                             f"not checked: {why}",
                      "mount the configuration from a ConfigMap in the tree, or deploy the collector as an OpenTelemetryCollector")
