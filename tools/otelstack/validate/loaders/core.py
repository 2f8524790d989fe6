"""The loader every carrier shares: where problems and files go, one guard for every step, the
Argo CD application shape (sources, Helm values from every place they can come from), and the
steps that need the whole tree (ApplicationSet expansion, linking manifests to what deploys them).

A bug in otelstack costs one `internal-error` finding on the object it was reading; the run goes on.
"""

from __future__ import annotations

import os
import re
import traceback
from functools import lru_cache
from typing import Any, Callable

from otelstack.errors import OtelstackError
from otelstack.source import Located, Location, shown
from otelstack.validate.finding import Problem
from otelstack.validate.chart_collectors import chart_collectors
from otelstack.validate.mounts import config_maps_of
from otelstack.validate.workload_collectors import workload_collectors
from otelstack.validate.loaders.discover import Discovery, Input, Skipped, display_name
from otelstack.validate.model import (
    Application,
    AppSource,
    Collector,
    KubeObject,
    Platform,
    SourceFile,
    decode_values,
    identify_sources,
    load_embedded,
)
from otelstack.yamlsource import YamlDocuments, load_yaml, read_text

YAML_SUFFIXES = (".yaml", ".yml")
MAX_FILE_BYTES = 4 * 1024 * 1024


class Loader:
    def __init__(self, platform: Platform, carriers) -> None:
        self.platform = platform
        self.carriers = {carrier.NAME: carrier for carrier in carriers}
        self.generated: dict[str, str] = {}  # absolute path -> rendered text (for reading values files)
        self.yaml_cache: dict[str, YamlDocuments] = {}
        self.values_files: set[str] = set()  # absolute paths read as Helm values
        self.claimed: dict[str, str] = {}  # absolute path -> what read it in its own way (a template, a file Terraform applies)
        self.skipped: list[Skipped] = []
        self.git_source = None  # the revision git generators read (fleet diff sets the base's)
        self.declared_values: list = []  # config.HelmValuesDeclaration: values files a tool otelstack does not read installs
        self.state: dict[str, Any] = {}  # per-carrier working data of this run, keyed by carrier NAME

    # Entry ------------------------------------------------------------------------------------
    def load(self, discovery: Discovery) -> list[Skipped]:
        """Read every input with its carrier, then expand ApplicationSets and link the tree.
        Returns what was not read, with the reasons."""
        for carrier in self.carriers.values():
            # a whole-tree look before reading: kustomization roots and what they consume, the module
            # directories Terraform calls (those are read through their calls)
            prepare = getattr(carrier, "prepare", None)
            if prepare is not None:
                self.guard(Location(discovery.root), f"preparing {carrier.NAME}", prepare, self, discovery)
        self.skipped = list(discovery.skipped)
        for declared in self.declared_values:
            self.guard(declared.location, f"reading the values declared for {declared.chart}", self._declared_release, declared)
        ordered = sorted(discovery.inputs, key=lambda i: self.carriers[i.carrier].ORDER)
        for item in ordered:
            if item.fs_path in self.generated or item.fs_path in self.claimed:
                continue  # rendered from the stack definition already, or read by what uses it
            self.guard(Location(item.display), f"reading {item.display}", self.carriers[item.carrier].load, self, item)
        for carrier in self.carriers.values():
            finish = getattr(carrier, "finish", None)  # a carrier that reports once every input is read
            if finish is not None:
                self.guard(Location(discovery.root), f"finishing {carrier.NAME}", finish, self)
        self.expand()
        self.link()
        self._unused_yaml(discovery)
        return self.skipped

    def problem(self, rule: str, location: Location, message: str, hint: str = "") -> None:
        self.platform.load_problems.append((rule, Problem(location, message, hint)))

    def skip(self, display: str, reason: str) -> None:
        self.skipped.append(Skipped(display, reason))

    def guard(self, location: Location, what: str, step: Callable, *args: Any) -> Any:
        """Run one loading step; a failure becomes a finding at `location` and the run goes on."""
        try:
            return step(*args)
        except OtelstackError as exc:
            self.problem("internal-error", location, exc.message, exc.hint)
        except RecursionError:
            self.problem("syntax-yaml" if location.file.endswith(YAML_SUFFIXES) else "syntax-hcl", location,
                         "nested too deeply to check")
        except Exception as exc:  # a bug in otelstack: say so where it happened, keep going
            self.platform.tracebacks.append(traceback.format_exc())
            self.problem("internal-error", location, f"otelstack failed {what}: {type(exc).__name__}: {exc}",
                         "please report this with the input that triggered it (--debug prints the traceback)")
        return None

    def read(self, item: Input, rule: str) -> str | None:
        try:
            size = os.path.getsize(item.fs_path)
            if size > MAX_FILE_BYTES:
                self.problem(rule, Location(item.display), f"file is {size // 1024} KiB, over the {MAX_FILE_BYTES // 1024 // 1024} MiB limit: not checked")
                return None
            return read_text(item.fs_path, item.display)
        except OSError as exc:
            self.problem("internal-error", Location(item.display), f"cannot read: {exc.strerror}")
            return None

    def register(self, file: SourceFile) -> SourceFile:
        self.platform.files[file.path] = file
        return file

    def display(self, fs_path: str) -> str:
        return display_name(fs_path, self.platform.root)

    # Applications -----------------------------------------------------------------------------
    def add_application(self, app: Application) -> None:
        """An Argo CD application (or another deployment in that shape) joins the model with its
        sources and their decoded Helm values."""
        self.guard(app.loc(), f"reading application {shown(app.name)}", self._add_application, app)

    def _add_application(self, app: Application) -> None:
        sources = app.get("spec", "sources")
        if isinstance(sources, list):
            for index, source in enumerate(sources):
                if not isinstance(source, dict):
                    continue
                helm = source.get("helm") if isinstance(source.get("helm"), dict) else {}
                app.sources.append(AppSource(
                    index=index, base=("spec", "sources", index), repo_url=source.get("repoURL"), chart=source.get("chart"),
                    path=source.get("path"), target_revision=source.get("targetRevision"),
                    release_name=helm.get("releaseName"), value_files=helm.get("valueFiles"), ref=source.get("ref"),
                ))
        identify_sources(app)
        for source in app.sources:
            base = source.base + ("helm",)
            helm = app.get(*base) or {}
            if not isinstance(helm, dict):
                continue
            key = "valuesObject" if helm.get("valuesObject") is not None else "values"
            layers = self.value_files(app, source, helm.get("valueFiles"))
            values, unknown, problems = decode_values(helm.get(key), app.doc, base + (key,), app.file, self.read_values_file)
            if values is not None:
                layers.append(values)
            source.values_unknown = unknown or source.values_unknown
            source.values = layer(layers)
            for location, message in problems:
                rule = "argocd-values-file" if message.startswith("values file") else "syntax-yaml"
                self.problem(rule, location, message if rule != "syntax-yaml" else f"in Helm values: {message}")
        self.platform.applications.append(app)

    def repository_path(self, app: Application, path: str) -> str:
        """An application's repository path on disk: in the stack's repo for rendered applications."""
        if app.origin in ("stack", "appset-stack"):
            return os.path.normpath(os.path.join(stack_root(app.file.fs_path), path))
        return self.platform.repo_path(path)

    def value_files(self, app: Application, source: AppSource, files) -> list[Located]:
        """Helm valueFiles this tree holds: `$ref/path` of a source of this repo, or a path beside
        the chart of this repo. Files of other repositories are unknown here."""
        if not isinstance(files, list):
            if files is not None:
                source.values_unknown = True
            return []
        refs = {s.ref: s for s in app.sources if isinstance(s.ref, str)}
        layers = []
        for index, entry in enumerate(files):
            if not isinstance(entry, str):
                source.values_unknown = True
                continue
            if entry.startswith("$"):
                ref, _, rel = entry[1:].partition("/")
                holder = refs.get(ref)
                if holder is None or not (self.platform.is_own_source(holder, app) or app.origin == "appset-stack"):
                    source.values_unknown = True
                    continue
                path = self.repository_path(app, rel)
            elif self.platform.is_own_source(source) and isinstance(source.path, str):
                path = self.repository_path(app, os.path.join(source.path, entry))
            else:
                source.values_unknown = True
                continue
            where = app.loc(*source.base, "helm", "valueFiles", index)
            values, unknown, problems = self.read_values_file(os.path.normpath(path), where)
            source.values_unknown = source.values_unknown or unknown
            for location, message in problems:
                self.problem("argocd-values-file" if message.startswith("values file") else "syntax-yaml", location, message)
            if values is not None:
                layers.append(values)
        return layers

    def _declared_release(self, declared) -> None:
        """A values file the configuration declares (installed by a script or helmfile): a Helm
        deployment of that chart at that version, located in the file."""
        values, _, problems = self.read_values_file(declared.path, declared.location)
        for location, message in problems:
            self.problem("syntax-yaml", location, message)
        source: dict[str, Any] = {"repoURL": None, "chart": declared.chart, "targetRevision": declared.version,
                                  "helm": {"releaseName": declared.release}}
        file = self.platform.files[self.display(declared.path)]
        doc = Located({"metadata": {"name": declared.release},
                       "spec": {"sources": [source], "destination": {"namespace": declared.namespace}}}, file.path)
        start = Location(file.path, 1)
        doc.locations.update({(): start, ("spec",): start, ("spec", "sources"): start, ("spec", "sources", 0): start,
                              ("spec", "sources", 0, "targetRevision"): start, ("spec", "destination"): start})
        if values is not None:
            source["helm"]["valuesObject"] = values.data
            doc.graft(("spec", "sources", 0, "helm", "valuesObject"), values)
        app = Application(declared.release, doc, "config", file, address=f"helmValues {file.path}", engine="helm")
        self.add_application(app)
        if values is None:
            for app_source in app.sources:
                app_source.values_unknown = True  # the file could not be read as values: nothing concluded from it

    def read_values_file(self, path: str, where: Location, relative: str | None = None) -> tuple[Located | None, bool, list]:
        """A values file; `relative`: the path as written, when it is relative to a working directory not known here."""
        text = self.generated.get(path)
        display = self.display(path)
        if text is None:
            if not os.path.isfile(path):
                if relative is not None:
                    self.platform.load_problems.append(("argocd-values-file", Problem(
                        where, f"values file {relative}: not checked: the path is relative to the directory terraform runs in, "
                               "and nothing here calls this module to tell which",
                        'write it as "${path.module}/..." to make it the module\'s own file', not_checked=True)))
                    return None, True, []
                return None, True, [(where, f"values file {display} does not exist: terraform fails at plan")]
            text = read_text(path, display)
        self.values_files.add(path)
        if display not in self.platform.files:
            self.register(SourceFile(display, path, "yaml", text))
        loaded = load_yaml(text, display)
        problems = [(p.location, p.message) for p in loaded.problems]
        if not loaded.documents:
            return None, bool(problems), problems
        doc = loaded.documents[0]
        if not isinstance(doc.data, dict):
            return None, False, problems + [(doc.location(), "Helm values must be a YAML mapping")]
        return doc, False, problems

    # Whole-tree steps -------------------------------------------------------------------------
    def expand(self) -> None:
        """Every ApplicationSet expanded offline (otelstack.fleet.tree); each generated application
        joins the model like a hand-written one, naming its cluster; an ApplicationSet that
        generates none contributes its template, placeholders unknown."""
        from otelstack.fleet.tree import expand_one, git_source_for

        # One registration per server, as in Argo CD: a stack fleet's in-cluster member is both in its
        # rendered specs and in the cluster Secret rendered for it.
        unique = {}
        for cluster in self.platform.clusters:
            unique.setdefault(cluster.server, cluster)
        self.platform.clusters = list(unique.values())
        if not self.platform.application_sets:
            return
        git = self.git_source if self.git_source is not None else git_source_for(self.platform.root)
        for appset in self.platform.application_sets:
            pairs = self.guard(appset.doc.location(), f"expanding ApplicationSet {shown(appset.label)}", expand_one, self.platform, appset, git)
            for _, app in pairs or []:
                self.add_application(app)
                if app.origin != "appset-template":
                    appset.generated.append(app)

    def link(self) -> None:
        """Each manifest folder to the applications that sync it; the collectors in the tree."""
        platform = self.platform
        by_dir: dict[str, list[KubeObject]] = {}
        for obj in platform.objects:
            if obj.folder or obj.file.fs_path:  # a rendered object belongs to the folder it was rendered from
                by_dir.setdefault(obj.folder or os.path.dirname(obj.file.fs_path), []).append(obj)
        for app in platform.applications:
            self.guard(app.loc(), f"linking application {shown(app.label)}", self._link_app, app, by_dir)
        from otelstack.validate.loaders import flux

        self.guard(Location(platform.root), "reading what Flux HelmReleases take from other objects", flux.resolve, self)
        for obj in platform.objects:
            if obj.kind == "OpenTelemetryCollector" and str(obj.api_version).startswith("opentelemetry.io/"):
                config = self.guard(obj.doc.location(), "reading the collector configuration", self._collector_config, obj)
                platform.collectors.append(Collector(obj, config))
        # collectors run as hand-written workloads, with the configuration their --config names
        platform.collectors += self.guard(Location(platform.root), "reading collector workloads", workload_collectors,
                                          platform.objects, config_maps_of(platform.objects)) or []
        for app in platform.applications:  # releases of the opentelemetry-collector chart are collectors too
            if any(source.knowledge is not None and source.knowledge.name == "opentelemetry-collector" for source in app.sources):
                platform.collectors += self.guard(app.loc(), f"reading the collector chart of {shown(app.label)}", chart_collectors, app) or []

    def _link_app(self, app: Application, by_dir: dict[str, list[KubeObject]]) -> None:
        for source in app.sources:
            if source.is_helm_repo or not isinstance(source.path, str):
                continue
            directory = self.repository_path(app, source.path)
            # a folder lookup, not a scan: a fleet has one collector application and one folder per cluster
            folders = [directory] if directory in by_dir else []
            if app.get(*source.base, "directory", "recurse") is True:
                folders += [folder for folder in by_dir if folder.startswith(directory + os.sep)]
            for folder in folders:
                for obj in by_dir[folder]:
                    obj.deployers.append(app)
                source.objects += by_dir[folder]

    def _collector_config(self, obj: KubeObject) -> Located | None:
        spec = obj.doc.data.get("spec")
        config = spec.get("config") if isinstance(spec, dict) else None
        if isinstance(config, dict):
            return obj.doc.sub(("spec", "config"))
        if isinstance(config, str):
            loaded = load_embedded(config, obj.file, obj.doc.location(("spec", "config")))
            for problem in loaded.problems:
                self.problem("syntax-yaml", problem.location, f"in the collector config string: {problem.message}")
            if loaded.documents and isinstance(loaded.documents[0].data, dict):
                return loaded.documents[0]
        return None

    def _unused_yaml(self, discovery: Discovery) -> None:
        """YAML files with no Kubernetes object that no application reads as values: not checked."""
        modelled = {obj.file.path for obj in self.platform.objects}
        with_findings = {problem.location.file for _, problem in self.platform.load_problems}
        for item in discovery.inputs:
            if item.carrier != "kubernetes" or item.fs_path in self.values_files or item.fs_path in self.generated or item.fs_path in self.claimed:
                continue
            if item.display in modelled or item.display in with_findings or item.display not in self.platform.files:
                continue
            del self.platform.files[item.display]
            self.skip(item.display, "no Kubernetes object, and no application otelstack could follow uses it as Helm values (helmValues in .otelstack.yaml can declare its chart)")


@lru_cache(maxsize=256)  # asked for every values file of a rendered fleet
def stack_root(tfvars_fs_path: str) -> str:
    """terraform/environments/<env>/otelstack.auto.tfvars.json -> the repo root."""
    return os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(tfvars_fs_path))))


def layer(layers: list[Located]) -> Located | None:
    """Helm values from files, then inline values, later ones winning key by key."""
    if not layers:
        return None
    from otelstack.stack.merge import merge_located

    merged = layers[0]
    for item in layers[1:]:
        merged = merge_located(merged, item)
    return merged


def first_changed_line(diff: str) -> int:
    """The first line of the committed file (the diff's old side) that differs."""
    line = 1
    for text in diff.splitlines():
        header = re.match(r"^@@ -(\d+)", text)
        if header:
            line = max(int(header.group(1)), 1)
        elif text.startswith(("---", "+++")):
            continue
        elif text.startswith(" "):
            line += 1
        elif text.startswith(("-", "+")):
            return line
    return 1

