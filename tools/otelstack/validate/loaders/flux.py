"""Flux `HelmRelease` (helm.toolkit.fluxcd.io): a Helm deployment, modelled in the Argo CD
application shape (engine "helm"), as a Terraform `helm_release` is, so the chart rules read it.

spec.sources[0] is the chart (`spec.chart.spec.chart`, its `version` as targetRevision; the
repository behind `sourceRef` is another object, so the chart is known by its name), the release
name Flux gives it (`spec.releaseName`, else `[<targetNamespace>-]<name>`), the destination
namespace (`spec.targetNamespace`, else the object's namespace) and `spec.install.createNamespace`.
`spec.values` are the values, located where they are written; `valuesFrom` (ConfigMaps, Secrets)
leaves them partly unknown. A release by `spec.chartRef` (an OCIRepository or HelmChart object)
names no chart here: not read as a chart deployment.
"""

from __future__ import annotations

from typing import Any

from otelstack.source import Located, Path, Unknown
from otelstack.validate.model import Application, KubeObject

API_GROUP = "helm.toolkit.fluxcd.io/"
VALUES_PATH: Path = ("spec", "sources", 0, "helm", "valuesObject")


def is_release(api_version: str, kind: str) -> bool:
    return kind == "HelmRelease" and api_version.startswith(API_GROUP)


def read_release(loader, obj: KubeObject) -> None:
    raw = obj.doc
    spec = raw.get(("spec",))
    chart_spec = raw.get(("spec", "chart", "spec"))
    if not isinstance(spec, dict) or not isinstance(chart_spec, dict) or not isinstance(chart_spec.get("chart"), str):
        return
    name = raw.get(("metadata", "name"))
    target_namespace = spec.get("targetNamespace")
    namespace = target_namespace or raw.get(("metadata", "namespace"))
    release = spec.get("releaseName") or (f"{target_namespace}-{name}" if isinstance(target_namespace, str) and isinstance(name, str)
                                          and target_namespace else name)
    source_ref = chart_spec.get("sourceRef") if isinstance(chart_spec.get("sourceRef"), dict) else {}
    repository = Unknown(f"{source_ref.get('kind', 'HelmRepository')} {source_ref.get('name', '?')} (Flux source)")
    source: dict[str, Any] = {"repoURL": repository, "chart": chart_spec["chart"], "helm": {"releaseName": release}}
    if chart_spec.get("version") is not None:
        source["targetRevision"] = chart_spec["version"]
    doc = Located({"metadata": {"name": name}, "spec": {"sources": [source], "destination": {"namespace": namespace}}}, raw.file)
    whole = raw.location(())
    doc.locations.update({(): whole, ("spec",): raw.location(("spec",)), ("spec", "sources"): raw.location(("spec", "chart")),
                          ("spec", "sources", 0): raw.location(("spec", "chart", "spec")), ("spec", "destination"): raw.location(("spec",))})
    for target, written in ((("metadata", "name"), ("metadata", "name")),
                            (("spec", "sources", 0, "chart"), ("spec", "chart", "spec", "chart")),
                            (("spec", "sources", 0, "targetRevision"), ("spec", "chart", "spec", "version")),
                            (("spec", "sources", 0, "helm", "releaseName"), ("spec", "releaseName")),
                            (("spec", "destination", "namespace"), ("spec", "targetNamespace") if target_namespace else ("metadata", "namespace"))):
        if raw.get(written) is not None:
            doc.locations[target] = raw.location(written)
            doc.key_locations[target] = raw.key_location(written)
    if raw.get(("spec", "install", "createNamespace")) is True:
        doc.data["spec"]["syncPolicy"] = {"syncOptions": ["CreateNamespace=true"]}
        doc.locations[("spec", "syncPolicy", "syncOptions", 0)] = raw.location(("spec", "install", "createNamespace"))
    values = raw.get(("spec", "values"))
    if isinstance(values, dict):
        located = raw.sub(("spec", "values"))
        source["helm"]["valuesObject"] = located.data
        for table, target in ((located.locations, doc.locations), (located.key_locations, doc.key_locations)):
            for path, location in table.items():
                target[VALUES_PATH + path] = location
    app = Application(name=name, doc=doc, origin="yaml", file=obj.file, address=f"HelmRelease/{name}", engine="helm", obj=obj)
    loader.add_application(app)
    if values is not None and not isinstance(values, dict):
        loader.problem("syntax-yaml", raw.location(("spec", "values")), "HelmRelease spec.values must be a mapping (Flux refuses it)")
    if raw.get(("spec", "valuesFrom")) or values is not None and not isinstance(values, dict):
        for app_source in app.sources:
            app_source.values_unknown = True  # ConfigMaps and Secrets merged in by Flux: partly unknown
