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
from otelstack.validate.mounts import config_map_document, config_maps_of, named

API_GROUP = "helm.toolkit.fluxcd.io/"
VALUES_PATH: Path = ("spec", "sources", 0, "helm", "valuesObject")


def is_release(api_version: str, kind: str) -> bool:
    return kind == "HelmRelease" and api_version.startswith(API_GROUP)


def read_release(loader, obj: KubeObject) -> None:
    raw = obj.doc
    spec = raw.get(("spec",))
    if not isinstance(spec, dict):
        return
    chart_spec = raw.get(("spec", "chart", "spec"))
    if isinstance(chart_spec, dict) and isinstance(chart_spec.get("chart"), str):
        source_ref = chart_spec.get("sourceRef") if isinstance(chart_spec.get("sourceRef"), dict) else {}
        repository = Unknown(f"{source_ref.get('kind', 'HelmRepository')} {source_ref.get('name', '?')} (Flux source)")
        _add_release(loader, obj, chart_spec["chart"], chart_spec.get("version"), ("spec", "chart", "spec", "chart"),
                     ("spec", "chart", "spec", "version"), repository)
    elif isinstance(spec.get("chartRef"), dict):
        loader.state.setdefault(CHART_REFS, []).append(obj)  # its source object may come later in the tree


def _add_release(loader, obj: KubeObject, chart: str, version: Any, chart_path: tuple, version_path: tuple, repository: Any,
                 version_doc: Located | None = None) -> None:
    """The release as a Helm deployment of `chart` at `version` (written at `version_path` of
    `version_doc`, the HelmRelease itself unless an OCIRepository says it)."""
    raw = obj.doc
    spec = raw.get(("spec",))
    name = raw.get(("metadata", "name"))
    target_namespace = spec.get("targetNamespace")
    namespace = target_namespace or raw.get(("metadata", "namespace"))
    release = spec.get("releaseName") or (f"{target_namespace}-{name}" if isinstance(target_namespace, str) and isinstance(name, str)
                                          and target_namespace else name)
    source: dict[str, Any] = {"repoURL": repository, "chart": chart, "helm": {"releaseName": release}}
    if version is not None:
        source["targetRevision"] = version
    doc = Located({"metadata": {"name": name}, "spec": {"sources": [source], "destination": {"namespace": namespace}}}, raw.file)
    whole = raw.location(())
    chart_at = chart_path[:-1]
    doc.locations.update({(): whole, ("spec",): raw.location(("spec",)), ("spec", "sources"): raw.location(chart_at),
                          ("spec", "sources", 0): raw.location(chart_at), ("spec", "destination"): raw.location(("spec",))})
    for target, written in ((("metadata", "name"), ("metadata", "name")),
                            (("spec", "sources", 0, "chart"), chart_path),
                            (("spec", "sources", 0, "helm", "releaseName"), ("spec", "releaseName")),
                            (("spec", "destination", "namespace"), ("spec", "targetNamespace") if target_namespace else ("metadata", "namespace"))):
        if raw.get(written) is not None:
            doc.locations[target] = raw.location(written)
            doc.key_locations[target] = raw.key_location(written)
    versioned = version_doc if version_doc is not None else raw
    if versioned.get(version_path) is not None:
        doc.locations[("spec", "sources", 0, "targetRevision")] = versioned.location(version_path)
        doc.key_locations[("spec", "sources", 0, "targetRevision")] = versioned.key_location(version_path)
    if raw.get(("spec", "install", "createNamespace")) is True:
        doc.data["spec"]["syncPolicy"] = {"syncOptions": ["CreateNamespace=true"]}
        doc.locations[("spec", "syncPolicy", "syncOptions", 0)] = raw.location(("spec", "install", "createNamespace"))
    values = raw.get(("spec", "values"))
    if isinstance(values, dict):
        located = raw.sub(("spec", "values"))
        source["helm"]["valuesObject"] = located.data
        doc.graft(VALUES_PATH, located)
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
CHART_REFS = "flux-chart-refs"


def resolve(loader) -> None:
    """Once every object of the tree is read: releases by `chartRef`, then the valuesFrom ConfigMaps."""
    resolve_chart_refs(loader)
    resolve_values_from(loader)


def resolve_chart_refs(loader) -> None:
    """A release by `spec.chartRef` to an OCIRepository of the tree: the chart is the URL's last
    segment, its version `ref.tag` (or the `ref.semver` range). Otherwise said not checked."""
    from otelstack.validate.finding import Problem

    pending = loader.state.pop(CHART_REFS, [])
    if not pending:
        return
    sources = {(o.namespace, o.name): o for o in loader.platform.objects
               if o.kind == "OCIRepository" and str(o.api_version).startswith("source.toolkit.fluxcd.io/")}
    for obj in pending:
        ref = obj.doc.get(("spec", "chartRef"))
        namespace = ref.get("namespace") or obj.namespace
        holder = named(sources, namespace, ref.get("name")) if ref.get("kind") == "OCIRepository" else None
        url = holder.doc.get(("spec", "url")) if holder is not None else None
        if not isinstance(url, str) or not url.startswith("oci://"):
            loader.platform.load_problems.append(("knowledge-not-checked", Problem(
                obj.doc.location(("spec", "chartRef")),
                f"HelmRelease {obj.name}: its chartRef names {ref.get('kind')} {ref.get('name')}, which otelstack cannot follow "
                "here (not in this tree, or not an OCI chart): its chart and values are not checked",
                "validate the tree together with the source it names", not_checked=True)))
            loader.platform.unseen_applied.append(f"HelmRelease {obj.name} (chartRef {ref.get('kind')} {ref.get('name')}) is not followed")
            continue
        registry, _, chart = url.rstrip("/").rpartition("/")
        tag = holder.doc.get(("spec", "ref", "tag"))
        semver = holder.doc.get(("spec", "ref", "semver"))
        version, path = (tag, ("spec", "ref", "tag")) if tag is not None else (semver, ("spec", "ref", "semver"))
        # the chart is known by its name, as with a HelmRepository (otelstack's data names the charts' HTTP repositories)
        _add_release(loader, obj, chart, version, ("spec", "chartRef", "name"), path, Unknown(f"OCIRepository {holder.name} ({registry})"),
                     version_doc=holder.doc)


def resolve_values_from(loader) -> None:
    """Flux merges each valuesFrom item in order, then spec.values on top. When every item is a
    ConfigMap of the tree (its key read as YAML at its lines), the values are known; a Secret, a
    targetPath or a ConfigMap made elsewhere leaves them partly unknown."""
    from otelstack.validate.loaders.core import layer

    pending = loader.state.pop(STATE, [])
    if not pending:
        return
    config_maps = config_maps_of(loader.platform.objects)
    for app, namespace, values_from, inline in pending:
        layers = []
        for item in values_from:
            if not isinstance(item, dict) or item.get("kind") != "ConfigMap" or item.get("targetPath") is not None:
                break
            holder = named(config_maps, namespace, item.get("name"))
            if holder is None and item.get("optional") is True:
                continue  # Flux skips an optional source that is missing
            document = config_map_document(holder, item.get("valuesKey") or "values.yaml") if holder is not None else None
            if document is None:
                break
            layers.append(document)
        else:
            if inline is not None:
                layers.append(inline)
            merged = layer(layers)
            for source in app.sources:
                source.values = merged
                source.values_unknown = False
