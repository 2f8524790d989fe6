"""`helm_release` (hashicorp/helm provider): a Helm deployment, modelled in the Argo CD application
shape (engine "helm") so the chart rules read one kind of source.

spec.sources[0] is the chart (`repository`, `chart`, `version` as targetRevision, the release
`name`), spec.destination.namespace the release namespace (Helm's "default" when unset),
`create_namespace` the CreateNamespace sync option. Its Helm values are layered as the provider
does: each `values` item in order (yamlencode, heredoc, file(), templatefile()), then `set`,
`set_list`, `set_sensitive` (blocks in provider 2.x, lists of objects in 3.x) with Helm's --set
syntax, each value located at its block. A part only known at apply time leaves the values
partly unknown: what is there is checked, what is missing is not concluded.
"""

from __future__ import annotations

import copy
import os
from typing import Any

from otelstack import helmset, versions
from otelstack.hcl import TemplateRef
from otelstack.source import Located, Location, Path, Unknown, get_path
from otelstack.validate.loaders.core import layer
from otelstack.validate.loaders.terraform_modules import Resource
from otelstack.validate.model import Application, decode_values

SET_KINDS = ("set", "set_list", "set_sensitive", "set_wo")  # the order the provider applies them
_SENTINEL = "\x00otelstack:unknown\x00"  # stands for a value known at apply only, while Helm's syntax places it
VALUES_PATH: Path = ("spec", "sources", 0, "helm", "valuesObject")


def read_release(res: Resource) -> None:
    raw = res.block.doc
    data = raw.data
    name = data.get("name")
    source: dict[str, Any] = dict(_chart_source(data.get("chart"), data.get("repository"), res.module.directory))
    version = data.get("version")
    if version is not None:
        # Helm reads the version as a semver constraint: "v1.2.3" installs 1.2.3
        source["targetRevision"] = version[1:] if isinstance(version, str) and version[:1] == "v" and versions.is_exact(version[1:]) else version
    source["helm"] = {"releaseName": name}
    namespace = data.get("namespace", "default")
    doc = Located({"metadata": {"name": name}, "spec": {"sources": [source], "destination": {"namespace": namespace}}}, raw.file)
    block = raw.location(())
    doc.locations.update({(): block, ("spec",): block, ("spec", "sources"): block, ("spec", "sources", 0): block,
                          ("spec", "destination"): block})
    for target, written in ((("metadata", "name"), "name"), (("spec", "sources", 0, "repoURL"), "repository"),
                            (("spec", "sources", 0, "chart"), "chart"), (("spec", "sources", 0, "path"), "chart"),
                            (("spec", "sources", 0, "targetRevision"), "version"),
                            (("spec", "sources", 0, "helm", "releaseName"), "name"), (("spec", "destination", "namespace"), "namespace")):
        if written in data:
            doc.locations[target] = raw.location((written,))
            doc.key_locations[target] = raw.key_location((written,))
    if data.get("create_namespace") is True:
        doc.data["spec"]["syncPolicy"] = {"syncOptions": ["CreateNamespace=true"]}
        doc.locations[("spec", "syncPolicy", "syncOptions", 0)] = raw.location(("create_namespace",))
    values, unknown = _values(res)
    if values is not None and (values.data or values.locations):
        source["helm"]["valuesObject"] = values.data
        doc.graft(VALUES_PATH, values)
    app = Application(name=name, doc=doc, origin="terraform", file=res.file, address=res.address,
                      wait=data.get("wait", True), raw=raw, engine="helm")
    res.loader.add_application(app)
    if unknown:
        for app_source in app.sources:
            app_source.values_unknown = True


def _chart_source(chart: Any, repository: Any, module_dir: str) -> dict[str, Any]:
    """What `chart` and `repository` name: a chart of a Helm repository (or OCI registry), a
    chart of a repository Helm knows by alias (`alias/chart`), or a chart directory."""
    if repository is not None or not isinstance(chart, str):
        return {"repoURL": repository, "chart": chart}
    if chart.startswith("oci://"):
        registry, _, short = chart.rpartition("/")
        return {"repoURL": registry, "chart": short}
    if chart.startswith(("./", "../", "/")) or os.path.isdir(os.path.join(module_dir, chart)):
        return {"path": chart}
    if chart.startswith(("https://", "http://")):
        base, _, archive = chart.rpartition("/")
        return {"repoURL": base, "chart": archive.rsplit("-", 1)[0] if archive.endswith(".tgz") else archive}
    if "/" in chart:
        alias, _, short = chart.partition("/")
        return {"repoURL": Unknown(f"the Helm repository named {alias!r} where terraform runs"), "chart": short}
    return {"repoURL": Unknown("a Helm repository where terraform runs"), "chart": chart}


def _values(res: Resource) -> tuple[Located | None, bool]:
    """The release's values as Helm receives them, and whether part of them is only known at apply."""
    raw, loader = res.block.doc, res.loader
    layers: list[Located] = []
    unknown = False
    items = raw.data.get("values")
    if isinstance(items, list):
        for index, item in enumerate(items):
            path = ("values", index)
            if isinstance(item, TemplateRef):
                item = res.module.state.render(item, raw.location(path))
            located, item_unknown, problems = decode_values(item, raw, path, res.file, loader.read_values_file)
            unknown = unknown or item_unknown
            for location, message in problems:
                if message.startswith("values file"):
                    loader.problem("argocd-values-file", location, message)
                else:
                    loader.problem("syntax-yaml", location, f"in Helm values: {message}")
            if located is not None:
                layers.append(located)
    elif items is not None:
        unknown = True
    merged = layer(layers)
    values = Located({}, raw.file) if merged is None else Located(
        copy.deepcopy(merged.data), merged.file, dict(merged.locations), dict(merged.key_locations))
    for kind in SET_KINDS:
        entries = raw.data.get(kind)
        if any(key == f"dynamic {kind}" for key in raw.data):
            unknown = True  # how many a dynamic block makes, and with what, is known at apply
        if entries is None:
            continue
        if not isinstance(entries, list):
            unknown = True
            continue
        for index, entry in enumerate(entries):
            if not isinstance(entry, dict):
                unknown = True
                continue
            unknown = _apply_set(res, values, (kind, index), entry, kind == "set_list") or unknown
    return values, unknown


def _written(value: Any) -> str | None:
    """A `set` value as the provider passes it to Helm (a string); None when known at apply only."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return value
    return None


def _apply_set(res: Resource, values: Located, base: Path, entry: dict, is_list: bool) -> bool:
    """One set/set_list/set_sensitive entry into `values`; True when what it sets is not known."""
    raw = res.block.doc
    name = entry.get("name")
    if not isinstance(name, str):
        return True
    value = entry.get("value")
    if is_list:
        items = [_written(v) for v in value] if isinstance(value, list) else None
        text = "{" + ",".join(v for v in items if v) + "}" if items is not None and None not in items else None
    else:
        text = _written(value)
    kind = entry.get("type") or "auto"
    if not isinstance(kind, str):
        return True
    assigned: list[Path]
    try:
        if kind == "literal" and text is not None:
            import yaml

            literal = yaml.safe_load(f"{name}: {text}")
            values.data[name] = literal.get(name) if isinstance(literal, dict) else literal
            assigned = [(name,)]
        else:
            assigned = helmset.apply(values.data, f"{name}={_SENTINEL if text is None else text}", as_string=kind == "string")
    except (helmset.SetError, ValueError) as exc:
        res.module.state.skip(res.file.path, f"{res.address}: {base[0]} {name!r} is not valid Helm --set ({exc}): its values are not checked")
        return True
    value_loc = raw.location(base + ("value",))
    name_loc = raw.location(base + ("name",))
    for path in assigned:
        if get_path(values.data, path) == _SENTINEL:
            _put(values.data, path, value if isinstance(value, Unknown) else Unknown(f"{name} (known at apply)"))
        _locate(values, path, value_loc, name_loc)
    return False


def _put(data: Any, path: Path, value: Any) -> None:
    for step in path[:-1]:
        data = data[step]
    data[path[-1]] = value


def _locate(values: Located, path: Path, value_loc: Location, name_loc: Location) -> None:
    """A value set by a `set` block is where its block writes it; the maps it creates, where its name is."""
    for cut in range(1, len(path)):
        values.locations.setdefault(path[:cut], name_loc)
    stale = [p for p in values.locations if len(p) > len(path) and p[: len(path)] == path]
    for p in stale:
        del values.locations[p]
    values.locations[path] = value_loc
    values.key_locations[path] = name_loc
    node = get_path(values.data, path)
    if isinstance(node, list):
        for index in range(len(node)):
            values.locations[path + (index,)] = value_loc


READERS = {"helm_release": read_release}
