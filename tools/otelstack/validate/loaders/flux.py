"""Flux `HelmRelease` (helm.toolkit.fluxcd.io): a Helm deployment, modelled in the Argo CD
application shape (engine "helm"), as a Terraform `helm_release` is, so the chart rules read it.

spec.sources[0] is the chart (`spec.chart.spec.chart`, its `version` as targetRevision; the
repository behind `sourceRef` is another object, so the chart is known by its name), the release
name Flux gives it (`spec.releaseName`, else `[<targetNamespace>-]<name>`), the destination
namespace (`spec.targetNamespace`, else the object's namespace) and `spec.install.createNamespace`.
`spec.values` are the values, located where they are written; `valuesFrom` ConfigMaps of the tree
are merged under them as Flux does (a Secret, a `targetPath` or a ConfigMap made elsewhere leaves
them partly unknown). A release by `spec.chartRef` (an OCIRepository or HelmChart object)
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
            app_source.values_unknown = True  # ConfigMaps and Secrets merged in by Flux: partly unknown, unless read later
    values_from = raw.get(("spec", "valuesFrom"))
    if isinstance(values_from, list) and values_from and (values is None or isinstance(values, dict)):
        # resolved once every object of the tree is read (the ConfigMaps may come later, or from kustomize)
        loader.state.setdefault(STATE, []).append((app, obj.namespace, values_from,
                                                   raw.sub(("spec", "values")) if isinstance(values, dict) else None))


STATE = "flux-values-from"


def resolve_values_from(loader) -> None:
    """Flux merges each valuesFrom item in order, then spec.values on top. When every item is a
    ConfigMap of the tree (its key read as YAML at its lines), the values are known; a Secret, a
    targetPath or a ConfigMap made elsewhere leaves them partly unknown."""
    from otelstack.validate.loaders.core import layer
    from otelstack.validate.model import load_embedded

    pending = loader.state.pop(STATE, [])
    if not pending:
        return
    config_maps = {(o.namespace, o.name): o for o in loader.platform.objects if o.kind == "ConfigMap"}
    for app, namespace, values_from, inline in pending:
        layers = []
        for item in values_from:
            if not isinstance(item, dict) or item.get("kind") != "ConfigMap" or item.get("targetPath") is not None:
                break
            holder = config_maps.get((namespace, item.get("name"))) or config_maps.get((None, item.get("name")))
            key = item.get("valuesKey") or "values.yaml"
            text = holder.doc.get(("data", key)) if holder is not None else None
            if not isinstance(text, str):
                if item.get("optional") is True and holder is None:
                    continue  # Flux skips an optional source that is missing
                break
            loaded = load_embedded(text, holder.file, holder.doc.location(("data", key)))
            if not loaded.documents or not isinstance(loaded.documents[0].data, dict):
                break
            layers.append(loaded.documents[0])
        else:
            if inline is not None:
                layers.append(inline)
            merged = layer(layers)
            for source in app.sources:
                source.values = merged
                source.values_unknown = False
