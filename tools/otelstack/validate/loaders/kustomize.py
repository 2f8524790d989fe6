"""Kustomizations, rendered as Argo CD renders a kustomize source: `kubectl kustomize` once per
root (a kustomization no other kustomization of the tree lists, or one an application deploys),
with the options the application states in `source.kustomize` (namespace, name prefix/suffix,
images, replicas, common labels and annotations, components, inline patches).

The files a kustomization consumes (resources, patches, generator files, the kustomizations it
builds on) are read through it and never checked as standalone objects: a strategic-merge patch is
not a Deployment. Rendered objects keep the kustomization's namespace, and each is located in the
file it came from (kustomize's origin annotations, asked for by a wrapper kustomization in a
temporary folder: the tree is never written to).

Rendered offline only: a root that needs a download (a remote base, a Helm chart not vendored
under its chart home) or kubectl, when it is missing, is listed as skipped with the reason; a root
that fails to build from what the tree holds is a `render-failed` finding, as Argo CD fails it.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field
from typing import Any

import yaml

from otelstack.errors import OtelstackError
from otelstack.source import Location, Unknown, shown
from otelstack.validate.loaders import rendered
from otelstack.validate.loaders.core import Loader
from otelstack.validate.loaders.discover import Discovery, Input, Skipped
from otelstack.validate.loaders.rendered import Deployer, add_object, deployers, is_kubernetes_object, source_file, tail
from otelstack.yamlsource import load_yaml

NAME = "kustomize"
ORDER = 7  # after the carriers that hold Argo CD applications (and Jsonnet, which may build them)
FILE_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
ORIGIN = "config.kubernetes.io/origin"
REMOTE_PREFIXES = ("github.com/", "gitlab.com/", "bitbucket.org/", "git@", "git::", "ssh://", "http://", "https://", "oci://")
# source.kustomize fields of an application that otelstack applies through the wrapper kustomization.
APPLIED_OPTIONS = {"namespace", "namePrefix", "nameSuffix", "images", "replicas", "commonLabels", "commonAnnotations",
                   "components", "patches", "version", "forceCommonLabels", "forceCommonAnnotations"}


def claims(name: str) -> bool:
    return name in FILE_NAMES


@dataclass
class Kustomization:
    folder: str  # absolute
    file: str  # absolute path of its kustomization file
    data: dict
    kind: str = "Kustomization"
    bases: list[str] = field(default_factory=list)  # folders of the kustomizations it builds on (resources, components)
    files: list[str] = field(default_factory=list)  # files it consumes
    remote: list[str] = field(default_factory=list)  # what it would download
    charts: list[str] = field(default_factory=list)  # helmCharts that are not vendored under the chart home
    uses_helm: bool = False
    problem: str = ""  # why its own file cannot be read


@dataclass
class KustomizeState:
    by_folder: dict[str, Kustomization] = field(default_factory=dict)
    listed: set[str] = field(default_factory=set)  # folders another kustomization of the tree lists
    documents: dict[str, list] = field(default_factory=dict)  # source file -> its located YAML documents
    items: list[Input] = field(default_factory=list)  # the kustomization files of the tree
    renders: dict[str, list] | None = None  # kustomization file -> its Renders, once planned and run


def kustomization_file(folder: str) -> str | None:
    for name in FILE_NAMES:
        if os.path.isfile(os.path.join(folder, name)):
            return os.path.join(folder, name)
    return None


def _is_remote(entry: str, folder: str) -> bool:
    return ("://" in entry or entry.startswith(REMOTE_PREFIXES) or "?ref=" in entry) and not os.path.exists(os.path.join(folder, entry))


def read_kustomization(folder: str, path: str) -> Kustomization:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            data = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, yaml.YAMLError) as exc:
        return Kustomization(folder, path, {}, problem=f"cannot read {os.path.basename(path)}: {str(exc).splitlines()[0]}")
    if not isinstance(data, dict):
        return Kustomization(folder, path, {}, problem=f"{os.path.basename(path)} is not a mapping")
    found = Kustomization(folder, path, data, kind=str(data.get("kind") or "Kustomization"))

    def local(entry: Any, directories: bool = True) -> None:
        if not isinstance(entry, str) or not entry or "\n" in entry:
            return  # an inline patch or generator
        if _is_remote(entry, folder):
            found.remote.append(entry)
            return
        full = os.path.normpath(os.path.join(folder, entry))
        if os.path.isdir(full) and directories:
            found.bases.append(full)
        elif os.path.isfile(full):
            found.files.append(full)

    for key in ("resources", "bases", "components", "crds", "configurations", "transformers", "generators", "validators"):
        for entry in _list(data.get(key)):
            local(entry)
    for entry in _list(data.get("patchesStrategicMerge")):
        local(entry, directories=False)
    for key in ("patches", "patchesJson6902", "replacements"):
        for entry in _list(data.get(key)):
            local(entry.get("path") if isinstance(entry, dict) else None, directories=False)
    for key in ("configMapGenerator", "secretGenerator"):
        for generator in _list(data.get(key)):
            if not isinstance(generator, dict):
                continue
            for entry in _list(generator.get("files")) + _list(generator.get("envs")) + [generator.get("env")]:
                local(entry.partition("=")[2] or entry if isinstance(entry, str) else None, directories=False)
    openapi = data.get("openapi")
    if isinstance(openapi, dict):
        local(openapi.get("path"), directories=False)
    charts = _list(data.get("helmCharts"))
    if charts or data.get("helmChartInflationGenerator"):
        found.uses_helm = True
        globals_ = data.get("helmGlobals") if isinstance(data.get("helmGlobals"), dict) else {}
        home = os.path.join(folder, str(globals_.get("chartHome") or "charts"))
        for chart in charts:
            if not isinstance(chart, dict):
                continue
            for entry in [chart.get("valuesFile")] + _list(chart.get("additionalValuesFiles")):
                local(entry, directories=False)
            name, version = str(chart.get("name") or ""), chart.get("version")
            vendored = [os.path.join(home, name)] + ([os.path.join(home, f"{name}-{version}", name)] if version else [])
            if not any(os.path.isfile(os.path.join(candidate, "Chart.yaml")) for candidate in vendored):
                found.charts.append(f"{name} {version}".strip() if version else name)
            elif os.path.isdir(home):
                found.files.extend(_files_below(home))
    return found


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _files_below(folder: str) -> list[str]:
    return [os.path.join(d, name) for d, _, names in os.walk(folder) for name in names]


def state(loader: Loader) -> KustomizeState:
    return loader.state.setdefault(NAME, KustomizeState())


def prepare(loader: Loader, discovery: Discovery) -> None:
    """Every kustomization of the tree and what it consumes; consumed files leave the other carriers."""
    tracked = state(loader)
    for item in discovery.inputs:
        if item.carrier == NAME:
            tracked.items.append(item)
            folder = os.path.dirname(item.fs_path)
            tracked.by_folder[folder] = read_kustomization(folder, item.fs_path)
    consumed: set[str] = set()
    for kustomization in tracked.by_folder.values():
        tracked.listed.update(kustomization.bases)
        consumed.update(kustomization.files)
    discovery.inputs = [item for item in discovery.inputs if item.carrier == NAME or item.fs_path not in consumed]
    # Beside a kustomization, Argo CD (and kubectl) render the kustomization: a file of that folder
    # it does not consume is never applied from there
    beside = []
    for item in discovery.inputs:
        kustomization = tracked.by_folder.get(os.path.dirname(item.fs_path))
        if item.carrier == "kubernetes" and kustomization is not None and not kustomization.problem and _holds_objects(item.fs_path):
            beside.append(item)
            discovery.skipped.append(Skipped(item.display, f"beside {loader.display(kustomization.file)}, which does not use it: "
                                                           "Argo CD and Flux render the kustomization in that folder, never this file"))
    discovery.inputs = [item for item in discovery.inputs if item not in beside]
    # files no carrier reads alone (a generator's .properties) are read through the kustomization
    consumed_displays = {loader.display(path) for path in consumed}
    discovery.skipped = [s for s in discovery.skipped if s.file not in consumed_displays]
    chart_homes = [os.path.dirname(path) for path in consumed if path.endswith(os.sep + "Chart.yaml")]
    if chart_homes:  # a chart vendored for helmCharts is rendered by its kustomization, not on its own
        discovery.inputs = [item for item in discovery.inputs if item.fs_path not in chart_homes]


_OBJECT = re.compile(r"^apiVersion:.*^kind:|^kind:.*^apiVersion:", re.M | re.S)  # YAML at the top level
_JSON_OBJECT = re.compile(r'"apiVersion"\s*:.*"kind"\s*:|"kind"\s*:.*"apiVersion"\s*:', re.S)
_ARGO_CD = re.compile(r"""^\s*"?apiVersion"?\s*:\s*"?argoproj\.io/|"apiVersion"\s*:\s*"argoproj\.io/""", re.M)


def _holds_objects(path: str) -> bool:
    """Kubernetes manifests (not a values file an application reads from the folder), other than Argo
    CD's: an Application beside a kustomization is often the one applied by hand to bootstrap it."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            text = handle.read()
    except OSError:
        return False
    return bool(_OBJECT.search(text) or _JSON_OBJECT.search(text)) and not _ARGO_CD.search(text)


@dataclass
class Render:
    """One `kubectl kustomize` of a root (for one application, or for none), or why not."""

    item: Input
    root: Kustomization
    closure: list[Kustomization]
    deployer: Deployer | None = None
    argv: list[str] = field(default_factory=list)
    wrapper: dict = field(default_factory=dict)
    reason: str = ""  # not rendered, and why
    scratch: str = ""  # where the wrapper was: origin paths are relative to it
    output: str = ""
    error: str = ""  # the engine failed with this message
    unfinished: str = ""  # the engine did not finish


def load(loader: Loader, item: Input) -> None:
    tracked = state(loader)
    if tracked.renders is None:
        # every root at once: the engine runs overlap, the model is built in order
        tracked.renders = {}
        for each in tracked.items:
            tracked.renders[each.fs_path] = _plan(loader, each)
        _run_all([r for plans in tracked.renders.values() for r in plans if not r.reason])
    for planned in tracked.renders.get(item.fs_path) or []:
        _apply(loader, planned)


def _plan(loader: Loader, item: Input) -> list[Render]:
    folder = os.path.dirname(item.fs_path)
    tracked = state(loader)
    kustomization = tracked.by_folder.get(folder) or read_kustomization(folder, item.fs_path)
    apps = deployers(loader, folder)
    if folder in tracked.listed and not apps:
        return []  # read through the kustomizations that build on it
    closure = _closure(kustomization)
    if kustomization.problem and os.path.isfile(item.fs_path):  # its own file: a syntax finding, as for any YAML
        file = source_file(loader, item.fs_path, "yaml")
        for problem in load_yaml(file.text, file.path).problems:
            loader.problem("syntax-yaml", problem.location, problem.message)
    if kustomization.kind == "Component" and not apps:
        return [Render(item, kustomization, closure, reason="a kustomize Component that no kustomization of the tree uses: not rendered")]
    reason = _offline_reason(loader, kustomization, closure)
    kubectl = rendered.tool("kubectl") if not reason else None
    if not reason and kubectl is None:
        reason = "kubectl is not installed (make setup puts it in .tools/bin): not rendered"
    helm = rendered.tool("helm") if not reason and any(k.uses_helm for k in closure) else None
    if not reason and helm is None and any(k.uses_helm for k in closure):
        reason = "its helmCharts need helm, which is not installed: not rendered"
    if reason:
        return [Render(item, kustomization, closure, reason=reason)]
    plans = []
    for deployer in apps or [None]:
        options = _options(deployer, kustomization) if deployer else {}
        if isinstance(options, str):
            plans.append(Render(item, kustomization, closure, deployer, reason=options))
            continue
        argv = [kubectl, "kustomize"] + (["--enable-helm", "--helm-command", helm] if helm else [])
        plans.append(Render(item, kustomization, closure, deployer, argv, options))
    return plans


def _run_all(renders: list[Render]) -> None:
    if len(renders) > 1:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=min(len(renders), os.cpu_count() or 2)) as pool:
            list(pool.map(_run, renders))
    else:
        for render in renders:
            _run(render)


def _run(render: Render) -> None:
    """Build through a wrapper kustomization in a scratch folder: it asks for origin annotations and
    carries the application's options, and the tree is never written to."""
    from otelstack.external import CommandFailed

    with tempfile.TemporaryDirectory(prefix="otelstack-kustomize-") as scratch:
        options = dict(render.wrapper)
        wrapper = {"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization",
                   "resources": [os.path.relpath(render.root.folder, scratch)], "buildMetadata": ["originAnnotations"]}
        components = options.pop("components", None)
        if components:
            wrapper["components"] = [os.path.relpath(c, scratch) for c in components]
        wrapper.update(options)
        with open(os.path.join(scratch, "kustomization.yaml"), "w", encoding="utf-8") as handle:
            yaml.safe_dump(wrapper, handle, sort_keys=False)
        render.scratch = scratch
        try:
            result = rendered.runner().run(render.argv[:2] + [scratch] + render.argv[2:], cwd=scratch, check=False,
                                           timeout=rendered.ENGINE_TIMEOUT)
        except (CommandFailed, OtelstackError) as exc:
            render.unfinished = tail(exc.message)
            return
        if result.ok:
            render.output = result.stdout
        else:
            render.error = _engine_message(result.stderr or result.stdout, render.root.folder)


def _apply(loader: Loader, render: Render) -> None:
    item, closure = render.item, render.closure
    if render.reason:
        _not_rendered(loader, item, closure, render.reason)
    elif render.unfinished:
        _not_rendered(loader, item, closure, f"kubectl kustomize did not finish: {render.unfinished}")
    elif render.error and ("is not in or below" in render.error or "security; file" in render.error):
        _not_rendered(loader, item, closure, "it reads files outside its folder, which kustomize allows only with "
                      "--load-restrictor LoadRestrictionsNone (Argo CD's kustomize.buildOptions, not in the tree): not rendered")
    elif render.error:
        by = f" for {render.deployer.label}" if render.deployer else ""
        source_file(loader, item.fs_path, "yaml")
        loader.problem("render-failed", Location(item.display), f"kustomization does not build{by}: {render.error}",
                       "Argo CD fails to render it the same way (run `kubectl kustomize` in the folder)")
        _not_rendered(loader, item, closure, "kubectl kustomize failed (see the render-failed finding)")
    else:
        for path in [k.file for k in closure] + [f for k in closure for f in k.files]:
            if os.path.isfile(path) and not loader.display(path).startswith("../"):
                source_file(loader, path, "yaml")
        _add_output(loader, item, render.scratch, render.output, render.root)


def _closure(root: Kustomization) -> list[Kustomization]:
    """The kustomization and every local one it builds on."""
    seen: dict[str, Kustomization] = {}
    pending = [root]
    while pending:
        current = pending.pop()
        if current.folder in seen:
            continue
        seen[current.folder] = current
        for base in current.bases:
            path = kustomization_file(base)
            if path is not None and base not in seen:
                pending.append(read_kustomization(base, path))
    return list(seen.values())


def _offline_reason(loader: Loader, root: Kustomization, closure: list[Kustomization]) -> str:
    for kustomization in closure:
        who = "it" if kustomization is root else f"its base {loader.display(kustomization.folder)}/"
        if kustomization.problem:
            return f"{who}: {kustomization.problem}: not rendered"
        if kustomization.remote:
            return f"{who} refers to {kustomization.remote[0]}, which kustomize downloads at build time: not rendered offline"
        if kustomization.charts:
            return (f"{who} inflates the Helm chart {kustomization.charts[0]}, which is not vendored under its chart home "
                    "(kustomize --enable-helm downloads it): not rendered offline")
    return ""


def _not_rendered(loader: Loader, item: Input, closure: list[Kustomization], reason: str) -> None:
    root = os.path.dirname(item.fs_path)
    loader.skip(loader.display(root) + "/", reason)
    if item.display in loader.platform.files and not any(o.folder == root for o in loader.platform.objects) and not any(
            p.location.file == item.display for _, p in loader.platform.load_problems):
        del loader.platform.files[item.display]
    for kustomization in closure:
        for path in [kustomization.file, *kustomization.files]:
            display = loader.display(path)
            if path != item.fs_path and display not in loader.platform.files and not display.startswith("../"):
                loader.skip(display, f"read through the kustomization in {loader.display(root)}/, which was not rendered")


def _options(deployer: Deployer, kustomization: Kustomization) -> dict | str:
    """The wrapper kustomization's fields for an application's `source.kustomize`, or why not."""
    options = deployer.option("kustomize")
    if options is None:
        return {}
    if not isinstance(options, dict) or isinstance(rendered.unknown_inside(options), Unknown):
        return f"{deployer.label} sets kustomize options known only at apply time ({shown(rendered.unknown_inside(options))}): not rendered"
    unknown_fields = sorted(set(options) - APPLIED_OPTIONS)
    if unknown_fields:
        return f"{deployer.label} sets kustomize.{unknown_fields[0]}, which otelstack does not apply: not rendered"
    wrapper: dict[str, Any] = {}
    for name in ("namePrefix", "nameSuffix"):
        if options.get(name):
            if kustomization.data.get(name):
                # `kustomize edit set` replaces the kustomization's own; a wrapper would add to it
                return f"{deployer.label} sets {name} over the kustomization's own: not rendered"
            wrapper[name] = options[name]
    if options.get("namespace"):
        wrapper["namespace"] = options["namespace"]
    if options.get("images"):
        wrapper["images"] = [_image(entry) for entry in options["images"]]
    if options.get("replicas"):
        wrapper["replicas"] = [{"name": r.get("name"), "count": int(r.get("count"))} for r in options["replicas"] if isinstance(r, dict)]
    for name, target in (("commonLabels", "labels"), ("commonAnnotations", "commonAnnotations")):
        if options.get(name):
            if name == "commonLabels":
                wrapper["labels"] = [{"pairs": options[name], "includeSelectors": True}]
            else:
                wrapper[target] = options[name]
    if options.get("components"):
        wrapper["components"] = [os.path.join(deployer.folder, c) for c in options["components"]]
    if options.get("patches"):
        if any(isinstance(p, dict) and p.get("path") for p in options["patches"]):
            return f"{deployer.label} sets kustomize.patches with a path, which otelstack does not apply: not rendered"
        wrapper["patches"] = options["patches"]
    return wrapper


def _image(entry: Any) -> dict:
    """An Argo CD image override (`[old=]name[:tag|@digest]`) as a kustomize `images:` entry."""
    text = str(entry)
    old, _, new = text.partition("=") if "=" in text else (None, "", text)
    name, digest = new.split("@", 1) if "@" in new else (new, None)
    tag = None
    if ":" in name.rsplit("/", 1)[-1]:
        name, tag = name.rsplit(":", 1)
    result: dict[str, Any] = {"name": old or name}
    if old:
        result["newName"] = name
    if tag:
        result["newTag"] = tag
    if digest:
        result["digest"] = digest
    return result


def _engine_message(text: str, folder: str) -> str:
    """kustomize's error without our wrapper's layer and with paths relative to the kustomization."""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    message = re.sub(r"^[EWI]\d{4} [\d:.]+\s+\d+ \S+\] ", "", lines[-1].strip()) if lines else "failed"
    message = re.sub(r'^"command failed" err="(.*)"$', r"\1", message)
    message = re.sub(r"^.*?recursed accumulation of path '[^']*': ", "", message)
    return message.replace(folder + os.sep, "").replace(folder, ".")[:300]


def _add_output(loader: Loader, item: Input, scratch: str, output: str, root: Kustomization) -> None:
    try:
        documents = [d for d in yaml.load_all(output, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) if d is not None]
    except yaml.YAMLError as exc:
        loader.skip(item.display, f"kubectl kustomize printed what is not YAML ({str(exc).splitlines()[0]}): not checked")
        return
    for data in documents:
        if not is_kubernetes_object(data):
            continue
        origin_path, generated = _origin(data, scratch)
        file, origin, index = _origin_document(loader, origin_path or root.file, data, generated)
        loader.guard(origin.location() if origin else Location(file.path), f"reading the output of {item.display}",
                     add_object, loader, file, index, data, origin, root.folder)


def _origin(data: dict, scratch: str) -> tuple[str | None, str]:
    """The file an object came from, from kustomize's origin annotation (removed: it is ours)."""
    metadata = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
    annotations = metadata.get("annotations") if isinstance(metadata.get("annotations"), dict) else {}
    text = annotations.pop(ORIGIN, None)
    if not annotations and "annotations" in metadata:
        del metadata["annotations"]
    try:
        origin = yaml.safe_load(text) if isinstance(text, str) else None
    except yaml.YAMLError:
        origin = None
    if not isinstance(origin, dict) or origin.get("repo"):
        return None, ""
    if isinstance(origin.get("path"), str):
        return os.path.normpath(os.path.join(scratch, origin["path"])), ""
    if isinstance(origin.get("configuredIn"), str):
        by = origin.get("configuredBy") if isinstance(origin.get("configuredBy"), dict) else {}
        return os.path.normpath(os.path.join(scratch, origin["configuredIn"])), str(by.get("kind") or "")
    return None, ""


def _data_from_files(loader: Loader, data: dict, entry: dict, folder: str) -> None:
    """A generated ConfigMap's keys made from `files:` keep their file: YAML read from one (a Beyla
    configuration) is located in that file, not at the generator's lines."""
    from otelstack.hcl import HeredocText

    values = data.get("data")
    if not isinstance(values, dict):
        return
    for item in _list(entry.get("files")):
        if not isinstance(item, str):
            continue
        key, _, relative = item.partition("=") if "=" in item else (os.path.basename(item), "", item)
        fs_path = os.path.normpath(os.path.join(folder, relative))
        if isinstance(values.get(key), str) and os.path.isfile(fs_path):
            file = source_file(loader, fs_path, "yaml")
            values[key] = HeredocText(values[key], 0, 0, (), file.path)


def _origin_document(loader: Loader, path: str, data: dict, generated: str):
    """The source file and the document in it that an object was rendered from."""
    file = source_file(loader, path, "yaml") if os.path.isfile(path) else source_file(loader, path, "yaml", "")
    cache = state(loader).documents
    if path not in cache:
        cache[path] = load_yaml(file.text, file.path).documents
    documents = cache[path]
    if generated:  # a ConfigMap or Secret a generator made: its generator entry in the kustomization
        section = "configMapGenerator" if generated.startswith("ConfigMap") else "secretGenerator"
        name = (data.get("metadata") or {}).get("name", "")
        for doc in documents[:1]:
            for index, entry in enumerate(_list(doc.get((section,)))):
                if isinstance(entry, dict) and isinstance(entry.get("name"), str) and str(name).startswith(entry["name"]):
                    _data_from_files(loader, data, entry, os.path.dirname(path))
                    sub = doc.sub((section, index))
                    sub.locations = {(): sub.location()}  # the generator's fields are not the object's
                    sub.key_locations = {}
                    return file, sub, 0
        return file, None, 0
    kind, name = data.get("kind"), (data.get("metadata") or {}).get("name")
    same_kind = [(i, d) for i, d in enumerate(documents) if isinstance(d.data, dict) and d.data.get("kind") == kind]
    exact = [(i, d) for i, d in same_kind if d.get(("metadata", "name")) == name]
    inside = [(i, d) for i, d in same_kind if isinstance(d.get(("metadata", "name")), str) and d.get(("metadata", "name")) in str(name)]
    for candidates in (exact, inside, same_kind if len(same_kind) == 1 else []):
        if candidates:
            index, doc = candidates[0]
            return file, doc, index
    return file, None, 0
