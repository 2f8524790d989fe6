"""Load a platform repo tree into the model: every .tf, YAML and Jinja file, and the stack
definition (rendered in memory, so findings are the same whether or not the output is committed).

Each file is read once. Parse failures become findings on that file; the rest is still loaded.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from otelstack.errors import OtelstackError
from otelstack.hcl import FileRef, load_hcl
from otelstack.source import Located, Location, Unknown
from otelstack.stack import DEFAULT_FILENAME
from otelstack.validate.finding import Problem
from otelstack.specs import stack_app_doc, stack_fleet
from otelstack.validate.model import (
    Application,
    ApplicationSetModel,
    AppSource,
    Collector,
    KubeObject,
    Platform,
    SourceFile,
    decode_values,
    embedded_offsets,
    identify_sources,
    normalize_terraform,
    sources_as_list,
    tf_application_set_schema,
)
from otelstack.yamlsource import YamlDocuments, load_yaml, read_text

SKIP_DIRS = {".git", ".terraform", ".venv", "venv", "node_modules", ".tools", "__pycache__", ".pytest_cache",
             ".hypothesis", ".otelstack", "build", "dist", ".mypy_cache", ".ruff_cache"}
YAML_SUFFIXES = (".yaml", ".yml")
MAX_FILE_BYTES = 4 * 1024 * 1024
CONFIG_FILE = ".otelstack.yaml"


@dataclass
class Input:
    fs_path: str  # absolute
    display: str  # relative to the PATH it was found under


def discover(paths: list[str]) -> tuple[list[Input], str]:
    """Files to check, and the root used for resolving repository paths (the first directory)."""
    found: list[Input] = []
    root = ""
    for given in paths:
        absolute = os.path.abspath(given)
        if os.path.isfile(absolute):
            found.append(Input(absolute, given))
            root = root or os.path.dirname(absolute)
            continue
        root = root or absolute
        for directory, dirnames, filenames in os.walk(absolute):
            dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith("."))
            if "Chart.yaml" in filenames and directory != absolute:
                dirnames[:] = []  # a Helm chart: Go templates, not YAML (helm lint checks those)
                continue
            for name in sorted(filenames):
                if name.endswith((".tf", ".j2")) or (name.endswith(YAML_SUFFIXES) and name != CONFIG_FILE):
                    full = os.path.join(directory, name)
                    found.append(Input(full, os.path.relpath(full, absolute)))
    return found, root or os.getcwd()


class Loader:
    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self.generated: dict[str, str] = {}  # absolute path -> rendered text (for reading values files)
        self.yaml_cache: dict[str, YamlDocuments] = {}

    # Entry ------------------------------------------------------------------------------------
    def load(self, inputs: list[Input]) -> None:
        stacks = [i for i in inputs if os.path.basename(i.fs_path) == DEFAULT_FILENAME]
        for stack in stacks:
            self._stack(stack)
        for item in inputs:
            if item in stacks or item.fs_path in self.generated:
                continue
            try:
                self._file(item)
            except OtelstackError as exc:
                self._problem("internal-error", Location(item.display), exc.message)
            except RecursionError:
                rule = "syntax-hcl" if item.fs_path.endswith(".tf") else "syntax-jinja" if item.fs_path.endswith(".j2") else "syntax-yaml"
                self._problem(rule, Location(item.display), "file is nested too deeply to check")
            except Exception as exc:  # a bug must not end the run: report it on the file
                self._problem("internal-error", Location(item.display), f"otelstack failed on this file: {type(exc).__name__}: {exc}")
        self._expand()
        self._link()

    def _problem(self, rule: str, location: Location, message: str, hint: str = "") -> None:
        self.platform.load_problems.append((rule, Problem(location, message, hint)))

    def _read(self, item: Input) -> str | None:
        try:
            size = os.path.getsize(item.fs_path)
            if size > MAX_FILE_BYTES:
                self._problem("syntax-yaml" if item.fs_path.endswith(YAML_SUFFIXES) else "syntax-hcl", Location(item.display),
                              f"file is {size // 1024} KiB, over the {MAX_FILE_BYTES // 1024 // 1024} MiB limit: not checked")
                return None
            return read_text(item.fs_path, item.display)
        except OSError as exc:
            self._problem("internal-error", Location(item.display), f"cannot read: {exc.strerror}")
            return None

    def _file(self, item: Input) -> None:
        if item.fs_path.endswith(".tf"):
            text = self._read(item)
            if text is not None:
                self._hcl(SourceFile(item.display, item.fs_path, "hcl", text))
        elif item.fs_path.endswith(YAML_SUFFIXES):
            text = self._read(item)
            if text is not None:
                self._yaml(SourceFile(item.display, item.fs_path, "yaml", text))
        elif item.fs_path.endswith(".j2"):
            text = self._read(item)
            if text is not None:
                self._jinja(SourceFile(item.display, item.fs_path, "jinja", text))

    # HCL --------------------------------------------------------------------------------------
    def _hcl(self, file: SourceFile) -> None:
        self.platform.files[file.path] = file
        parsed = load_hcl(file.text, file.path, file.fs_path)
        for location, message in parsed.problems:
            self._problem("syntax-hcl", location, message)
        for block in parsed.blocks:
            if block.type == "resource" and len(block.labels) == 2 and block.labels[0] == "argocd_application":
                self._tf_application(file, block)
            elif block.type == "resource" and len(block.labels) == 2 and block.labels[0] == "argocd_application_set":
                doc = normalize_terraform(block.doc, tf_application_set_schema())
                self.platform.application_sets.append(ApplicationSetModel(
                    doc.get(("metadata", "name")), _template_sources(doc), "terraform", file,
                    f"argocd_application_set.{block.labels[1]}", raw=block.doc))
            elif block.type == "resource" and len(block.labels) == 2 and block.labels[0] == "argocd_cluster":
                self._tf_cluster(block)

    def _tf_cluster(self, block) -> None:
        from otelstack.fleet.expand import ClusterTarget

        data = block.doc.data
        server, name = data.get("server"), data.get("name", data.get("server"))
        metadata = (data.get("metadata") or [{}])[0] if isinstance(data.get("metadata"), list) else {}
        labels, annotations = metadata.get("labels") or {}, metadata.get("annotations") or {}
        if all(isinstance(v, str) for v in (server, name)) and isinstance(labels, dict) and isinstance(annotations, dict):
            self.platform.clusters.append(ClusterTarget.of(name, server, labels, annotations, block.location))

    def _tf_application(self, file: SourceFile, block) -> None:
        raw = block.doc
        doc = normalize_terraform(raw)
        depends = raw.data.get("depends_on")
        references = [d.expression if isinstance(d, Unknown) else str(d) for d in depends] if isinstance(depends, list) else []
        app = Application(
            name=doc.get(("metadata", "name")), doc=doc, origin="terraform", file=file,
            address=f"argocd_application.{block.labels[1]}", depends_on=references, wait=raw.data.get("wait"), raw=raw,
        )
        self._add_application(app)

    # YAML -------------------------------------------------------------------------------------
    def _yaml(self, file: SourceFile) -> None:
        self.platform.files[file.path] = file
        loaded = load_yaml(file.text, file.path)
        self.yaml_cache[file.fs_path] = loaded
        for problem in loaded.problems:
            rule = "yaml-duplicate-key" if problem.message.startswith("duplicate key") else "syntax-yaml"
            self._problem(rule, problem.location, problem.message)
        for index, doc in enumerate(loaded.documents):
            data = doc.data
            if not (isinstance(data, dict) and isinstance(data.get("apiVersion"), str) and isinstance(data.get("kind"), str)):
                continue
            obj = KubeObject(doc, file, index)
            self.platform.objects.append(obj)
            if data["kind"] == "Application" and data["apiVersion"].startswith("argoproj.io/"):
                shaped = sources_as_list(doc)
                self._add_application(Application(shaped.get(("metadata", "name")), shaped, "yaml", file,
                                                  address=f"Application/{shaped.get(('metadata', 'name'))}"))
            elif data["kind"] == "ApplicationSet" and data["apiVersion"].startswith("argoproj.io/"):
                self.platform.application_sets.append(ApplicationSetModel(
                    doc.get(("metadata", "name")), _template_sources(doc), "yaml", file, f"ApplicationSet/{doc.get(('metadata', 'name'))}"))
            elif data["kind"] == "Secret" and (doc.get(("metadata", "labels")) or {}).get("argocd.argoproj.io/secret-type") == "cluster":
                self._secret_cluster(doc)

    def _secret_cluster(self, doc: Located) -> None:
        import base64
        import binascii

        from otelstack.fleet.expand import ClusterTarget

        fields = dict(doc.get(("stringData",)) or {})
        for key, value in (doc.get(("data",)) or {}).items():
            try:
                fields.setdefault(key, base64.b64decode(str(value)).decode())
            except (binascii.Error, UnicodeDecodeError):
                continue
        server = fields.get("server")
        if isinstance(server, str):
            metadata = doc.get(("metadata",)) or {}
            self.platform.clusters.append(ClusterTarget.of(fields.get("name") or server, server, metadata.get("labels"),
                                                           metadata.get("annotations"), doc.location()))

    def _jinja(self, file: SourceFile) -> None:
        self.platform.files[file.path] = file
        import jinja2

        try:
            jinja2.Environment().parse(file.text)
        except jinja2.TemplateSyntaxError as exc:
            self._problem("syntax-jinja", Location(file.path, exc.lineno or 1), f"Jinja syntax error: {exc.message}")

    # Applications -----------------------------------------------------------------------------
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
            layers = self._value_files(app, source, helm.get("valueFiles"))
            values, unknown, problems = decode_values(helm.get(key), app.doc, base + (key,), app.file, self._read_values_file)
            if values is not None:
                layers.append(values)
            source.values_unknown = unknown or source.values_unknown
            source.values = _layer(layers)
            for location, message in problems:
                rule = "argocd-values-file" if message.startswith("values file") else "syntax-yaml"
                self._problem(rule, location, message if rule != "syntax-yaml" else f"in Helm values: {message}")
        self.platform.applications.append(app)

    def _value_files(self, app: Application, source: AppSource, files) -> list[Located]:
        """Helm valueFiles this tree holds: `$ref/path` of a source of this repo, or a path beside
        the chart of this repo. Files of other repositories are unknown here."""
        if not isinstance(files, list):
            return []
        root = _stack_root(app.file.fs_path) if app.origin in ("stack", "appset-stack") else self.platform.root
        refs = {s.ref: s for s in app.sources if isinstance(s.ref, str)}
        layers = []
        for index, entry in enumerate(files):
            if not isinstance(entry, str):
                source.values_unknown = True
                continue
            if entry.startswith("$"):
                ref, _, rel = entry[1:].partition("/")
                holder = refs.get(ref)
                if holder is None or not (self.platform.is_own_source(holder) or app.origin == "appset-stack"):
                    source.values_unknown = True
                    continue
                path = os.path.join(root, rel)
            elif self.platform.is_own_source(source) and isinstance(source.path, str):
                path = os.path.join(root, source.path, entry)
            else:
                source.values_unknown = True
                continue
            where = app.loc(*source.base, "helm", "valueFiles", index)
            values, unknown, problems = self._read_values_file(os.path.normpath(path), where)
            for location, message in problems:
                self._problem("argocd-values-file" if message.startswith("values file") else "syntax-yaml", location, message)
            if values is not None:
                layers.append(values)
        return layers

    def _read_values_file(self, path: str, where: Location) -> tuple[Located | None, bool, list]:
        text = self.generated.get(path)
        display = os.path.relpath(path, self.platform.root)
        if text is None:
            if not os.path.isfile(path):
                return None, True, [(where, f"values file {display} does not exist: terraform fails at plan")]
            text = read_text(path, display)
        loaded = load_yaml(text, display)
        problems = [(p.location, p.message) for p in loaded.problems]
        if not loaded.documents:
            return None, bool(problems), problems
        doc = loaded.documents[0]
        if not isinstance(doc.data, dict):
            return None, False, problems + [(doc.location(), "Helm values must be a YAML mapping")]
        return doc, False, problems

    # Stack definition -------------------------------------------------------------------------
    def _stack(self, item: Input) -> None:
        from otelstack.render import render
        from otelstack.render.files import plan_changes
        from otelstack.render import owned_files
        from otelstack.stack import load_stack

        try:
            stack_file = load_stack(item.fs_path, item.display)
        except OtelstackError as exc:
            for error in getattr(exc, "errors", [exc]):
                self._problem("stack-definition", error.location or Location(item.display), error.message, error.hint)
            return
        text = read_text(item.fs_path, item.display)
        self.platform.files[item.display] = SourceFile(item.display, item.fs_path, "stack", text)
        for error in stack_file.problems:
            self._problem("stack-definition", error.location or Location(item.display), error.message, error.hint)
        if stack_file.problems:
            return
        stacks = stack_file.stacks()
        first = stacks[0]
        self.platform.kubernetes_version = first.kubernetes_version
        self.platform.argocd_version = first.argocd_version
        self.platform.rule_settings.update(first.get("validate", "rules", default={}) or {})
        self.platform.platform_repos.add(first.data["repository"]["url"])
        try:
            result = render(stack_file)
        except OtelstackError as exc:
            self._problem("stack-definition", exc.location or Location(item.display), exc.message, exc.hint)
            return
        root = str(stack_file.root)
        base_dir = os.path.dirname(item.display)
        for rel, content in result.outputs.items():
            self.generated[os.path.join(root, rel)] = content
        for change in plan_changes(stack_file.root, result.outputs, owned_files(stack_file.root, produced=result.outputs)):
            display = os.path.join(base_dir, change.path) if base_dir else change.path
            line = _first_changed_line(change.diff)
            self.platform.stale.append((change.kind, Location(display, line), item.display))
        for env, composition in result.compositions.items():
            members = [c.composition for c in composition.clusters] if stack_file.is_fleet(env) else [composition]
            self.platform.stack_components |= {
                app.spec["source"]["chart"] for member in members for app in member.applications if app.spec["source"]["chart"]
            }
            origin = f"{item.display} (environment {env})"
            for rel, content in result.outputs.items():
                if rel.split("/")[2] != env:  # manifests/rendered/<env>/..., terraform/environments/<env>/...
                    continue
                display = os.path.join(base_dir, rel) if base_dir else rel
                fs = os.path.join(root, rel)
                if rel.endswith(YAML_SUFFIXES) and rel.startswith("manifests/"):
                    self._yaml(SourceFile(display, fs, "yaml", content, origin))
                elif rel.endswith(".tf"):
                    self._hcl(SourceFile(display, fs, "hcl", content, origin))
                elif rel.endswith(".tfvars.json") and stack_file.is_fleet(env):
                    self._stack_fleet(SourceFile(display, fs, "json", content, origin))
                elif rel.endswith(".tfvars.json"):
                    self._stack_applications(SourceFile(display, fs, "json", content, origin))
                elif rel.endswith(YAML_SUFFIXES):
                    self.platform.files[display] = SourceFile(display, fs, "yaml", content, origin)

    def _spec_document(self, file: SourceFile) -> Located | None:
        """A rendered root's otelstack.auto.tfvars.json (JSON is YAML: positions come for free)."""
        self.platform.files[file.path] = file
        loaded = load_yaml(file.text, file.path)
        return loaded.documents[0] if loaded.documents else None

    def _stack_applications(self, file: SourceFile) -> None:
        spec_doc = self._spec_document(file)
        if spec_doc is None:
            return
        argocd_namespace = spec_doc.data.get("argocd_namespace")
        apps = spec_doc.data.get("applications") or {}
        tiers: dict[int, list[str]] = {}
        for name, spec in apps.items():
            tiers.setdefault(spec.get("tier", 0), []).append(name)
        for name, spec in apps.items():
            doc = stack_app_doc(spec_doc, name, argocd_namespace)
            lower = [n for tier, names in tiers.items() if tier < spec.get("tier", 0) for n in names]
            app = Application(name, doc, "stack", file, address=f"module.otelstack[{name!r}]",
                              depends_on=[f"application.{n}" for n in lower], wait=spec.get("wait"))
            values_file = (spec.get("source") or {}).get("values_file")
            if values_file:
                doc.data["spec"]["sources"][0]["helm"]["values"] = FileRef(os.path.join(os.path.dirname(file.fs_path), values_file))
            self._add_application(app)

    def _stack_fleet(self, file: SourceFile) -> None:
        spec_doc = self._spec_document(file)
        if spec_doc is None:
            return
        clusters, application_sets = stack_fleet(spec_doc)
        self.platform.clusters += clusters
        self.platform.application_sets += [ApplicationSetModel(name, doc, "stack", file, f"module.fleet[{name!r}]")
                                           for name, doc in application_sets]

    def _expand(self) -> None:
        """Every ApplicationSet expanded offline (otelstack.fleet.tree); each generated application
        joins the model like a hand-written one, naming its cluster; an ApplicationSet that
        generates none contributes its template, placeholders unknown."""
        from otelstack.fleet.tree import expand_platform

        for appset, app in expand_platform(self.platform, getattr(self, "git_source", None)):
            self._add_application(app)
            if app.origin != "appset-template":
                appset.generated.append(app)

    # Links between objects --------------------------------------------------------------------
    def _link(self) -> None:
        platform = self.platform
        by_dir: dict[str, list[KubeObject]] = {}
        for obj in platform.objects:
            by_dir.setdefault(os.path.dirname(obj.file.fs_path), []).append(obj)
        for app in platform.applications:
            for source in app.sources:
                if source.is_helm_repo or not isinstance(source.path, str):
                    continue
                base = _stack_root(app.file.fs_path) if app.origin in ("stack", "appset-stack") else platform.root
                directory = os.path.normpath(os.path.join(base, source.path))
                # a folder lookup, not a scan: a fleet has one collector application and one folder per cluster
                folders = [directory] if directory in by_dir else []
                if app.get(*source.base, "directory", "recurse") is True:
                    folders += [folder for folder in by_dir if folder.startswith(directory + os.sep)]
                for folder in folders:
                    for obj in by_dir[folder]:
                        obj.deployers.append(app)
        for obj in platform.objects:
            if obj.kind == "OpenTelemetryCollector" and str(obj.api_version).startswith("opentelemetry.io/"):
                platform.collectors.append(Collector(obj, self._collector_config(obj)))

    def _collector_config(self, obj: KubeObject) -> Located | None:
        spec = obj.doc.data.get("spec")
        config = spec.get("config") if isinstance(spec, dict) else None
        if isinstance(config, dict):
            return obj.doc.sub(("spec", "config"))
        if isinstance(config, str):
            loc = obj.doc.location(("spec", "config"))
            line_offset, indent, column_offset = embedded_offsets(obj.file, loc)
            loaded = load_yaml(config, obj.file.path, line_offset=line_offset, indent=indent, column_offset=column_offset)
            for problem in loaded.problems:
                self._problem("syntax-yaml", problem.location, f"in the collector config string: {problem.message}")
            if loaded.documents and isinstance(loaded.documents[0].data, dict):
                return loaded.documents[0]
        return None


def _stack_root(tfvars_fs_path: str) -> str:
    """terraform/environments/<env>/otelstack.auto.tfvars.json -> the repo root."""
    return os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(tfvars_fs_path))))


def _template_sources(doc: Located) -> Located:
    return sources_as_list(doc, ("spec", "template", "spec"))


def _layer(layers: list[Located]) -> Located | None:
    """Helm values from files, then inline values, later ones winning key by key."""
    if not layers:
        return None
    from otelstack.stack.merge import merge_located

    merged = layers[0]
    for layer in layers[1:]:
        merged = merge_located(merged, layer)
    return merged


def _first_changed_line(diff: str) -> int:
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
