"""The platform as one object graph: Argo CD applications (from Terraform, YAML or the stack
definition), their chart sources and decoded Helm values, Kubernetes objects, collectors with the
Services the operator will create, Instrumentation resources.

Rules ask questions of this model; they never open files.
"""

from __future__ import annotations

import copy
import os
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any, Iterator

from otelstack import charts, resources, wiring
from otelstack.charts import ChartKnowledge
from otelstack.gitrepo import normalize_url
from otelstack.hcl import Encoded, EncodedText, FileRef, HeredocText, fully_known
from otelstack.source import DocumentView, Located, Location, Path, Unknown, is_unknown
from otelstack.yamlsource import YamlDocuments, load_yaml


@dataclass
class SourceFile:
    path: str  # as shown in findings: relative to the PATH given
    fs_path: str  # absolute, or "" for files that exist only in memory
    kind: str  # hcl | yaml | jinja | stack | json
    text: str = ""
    generated_from: str = ""  # "otelstack.yaml (environment kind)" for rendered output

    @property
    def lines(self) -> list[str]:
        return self.text.splitlines()


@dataclass
class AppSource:
    index: int
    base: Path  # path of this source in the application's document
    repo_url: Any = None
    chart: Any = None
    path: Any = None
    target_revision: Any = None
    release_name: Any = None
    values: Located | None = None  # decoded Helm values; None when there are none
    values_unknown: bool = False  # values are given but cannot be known before apply
    value_files: Any = None
    ref: Any = None
    knowledge: ChartKnowledge | None = None
    objects: list = field(default_factory=list)  # the tree's objects a directory source deploys (KubeObject)

    @property
    def is_helm_repo(self) -> bool:
        return isinstance(self.chart, str) and bool(self.chart)

    @property
    def is_git_path(self) -> bool:
        return not self.is_helm_repo and self.path is not None


@dataclass(eq=False)  # identity: the same object, not an equal one
class Application(DocumentView):
    name: Any
    doc: Located  # normalised to the Argo CD Application shape (metadata, spec.sources[...])
    origin: str  # terraform | yaml | stack
    file: SourceFile
    sources: list[AppSource] = field(default_factory=list)
    address: str = ""  # Terraform address or "Application/<name>"
    depends_on: list[str] = field(default_factory=list)  # Terraform depends_on references
    wait: Any = None  # Terraform provider `wait`
    cluster: str = ""  # the target cluster's name when expanded from an ApplicationSet
    generated_by: str = ""  # the ApplicationSet (file:line) an application was expanded from
    raw: Located | None = None  # the Terraform block as written (for provider schema checks)
    # What deploys it: "argocd" (an Argo CD Application, whatever carried it), or "helm" (a Terraform
    # helm_release, modelled in the same shape so the chart rules read one kind of source).
    engine: str = "argocd"
    obj: "KubeObject | None" = None  # the Kubernetes object it was read from (YAML Applications)

    @property
    def label(self) -> str:
        name = self.name if isinstance(self.name, str) else (self.address or "application")
        return f"{name} (cluster {self.cluster})" if self.cluster else name

    @property
    def scope(self) -> tuple[str, str]:
        """Where it runs: its cluster, and the environment it was rendered for (if it was)."""
        return self.cluster, self.file.generated_from

    @property
    def destination_namespace(self) -> Any:
        return self.get("spec", "destination", "namespace")

    @property
    def sync_options(self) -> Any:
        return self.get("spec", "syncPolicy", "syncOptions", default=[])

    def has_sync_option(self, option: str) -> bool | None:
        options = self.sync_options
        if is_unknown(options):
            return None
        if not isinstance(options, list):
            return False
        if any(is_unknown(o) for o in options):
            return True if option in options else None
        return option in options

    def components(self) -> set[str]:
        return {s.knowledge.name for s in self.sources if s.knowledge is not None}


@dataclass(eq=False)
class ApplicationSetModel:
    name: Any
    doc: Located  # normalised to the ApplicationSet shape (spec.generators, spec.template with sources)
    origin: str  # terraform | yaml | stack
    file: SourceFile
    address: str
    raw: Located | None = None  # the Terraform block as written
    expansion: Any = None  # fleet.expand.Expansion, once expanded
    generated: list[Application] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.name if isinstance(self.name, str) else self.address


@dataclass(eq=False)
class KubeObject:
    doc: Located
    file: SourceFile
    index: int  # document number in the file
    deployers: list[Application] = field(default_factory=list)  # the applications that sync it (one per cluster in a fleet)
    folder: str = ""  # the source folder a rendered object comes from (a kustomization root), when not its file's

    @property
    def api_version(self) -> Any:
        return self.doc.data.get("apiVersion")

    @property
    def kind(self) -> Any:
        return self.doc.data.get("kind")

    @property
    def name(self) -> Any:
        return (self.doc.data.get("metadata") or {}).get("name") if isinstance(self.doc.data.get("metadata"), dict) else None

    @property
    def deployed_by(self) -> Application | None:
        return self.deployers[0] if self.deployers else None

    @property
    def scope(self) -> tuple[str, str]:
        return self.deployed_by.scope if self.deployed_by is not None else ("", self.file.generated_from)

    @cached_property  # asked for every client; the deployers are known once the tree is linked
    def scopes(self) -> set[tuple[str, str]]:
        """Every (cluster, environment) it runs in: a manifest folder synced by an ApplicationSet runs on each cluster."""
        return {app.scope for app in self.deployers} if self.deployers else {self.scope}

    @property
    def namespace(self) -> Any:
        meta = self.doc.data.get("metadata")
        declared = meta.get("namespace") if isinstance(meta, dict) else None
        if declared:
            return declared
        if self.deployed_by is not None:
            return self.deployed_by.destination_namespace
        return None


@dataclass(eq=False)
class Collector:
    obj: KubeObject
    config: Located | None  # the collector configuration (parsed from a string for v1alpha1)

    @property
    def name(self) -> Any:
        return self.obj.name

    @property
    def namespace(self) -> Any:
        return self.obj.namespace

    @property
    def spec(self) -> dict:
        spec = self.obj.doc.data.get("spec")
        return spec if isinstance(spec, dict) else {}

    @property
    def mode(self) -> str:
        return self.spec.get("mode") or "deployment"

    def receiver_ports(self) -> list[wiring.ReceiverPort]:
        return wiring.receiver_ports(self.config.data if self.config else None)

    def service_names(self) -> dict[str, str]:
        return wiring.collector_service_names(self.name) if isinstance(self.name, str) else {}

    @property
    def label(self) -> str:
        if isinstance(self.namespace, str):
            return f"{self.name}.{self.namespace}"
        return f"{self.name} (namespace not known)"

    # The image: where the resource names it, and whether the operator picks one when it does not.
    image_field = "spec.image"
    operator_chooses_image = True

    def written(self, path: Path) -> bool:
        """Whether the tree is what defines the configuration at `path`: removing it there removes it
        (not a chart's default, which stays whether the values restate it or not)."""
        return True


@dataclass(eq=False)
class ChartCollector(Collector):
    """A collector deployed with the opentelemetry-collector Helm chart (an Argo CD Helm source or a
    helm_release): `config` is the chart's configuration for that chart version merged with the
    values (otelstack.collectorchart), `obj` a view of the release as a collector resource (its
    name, namespace, image and mode, at the lines of the application and values that set them), and
    its Service the one the chart creates (the chart's fullname), with the chart's ports."""

    app: Application | None = None
    source: AppSource | None = None
    chart_version: str = ""
    service: str | None = None  # None: the chart creates no Service (or its name is known only at apply time)
    ports: list = field(default_factory=list)  # otelstack.collectorchart.ServicePort
    defaults_at: Location | None = None  # where the chart's own configuration is shown: the line choosing the chart version
    chart_defined: frozenset = frozenset()  # (section, name) of the components the chart's default configuration defines

    image_field = "image.repository/image.tag"
    operator_chooses_image = False

    def service_names(self) -> dict[str, str]:
        return {"service": self.service} if self.service else {}

    def written(self, path: Path) -> bool:
        return self.config is not None and self.config.key_location(path) != self.defaults_at and tuple(path[:2]) not in self.chart_defined

    def receiver_ports(self) -> list[wiring.ReceiverPort]:
        from otelstack import collectorchart

        return collectorchart.receiver_ports(self.config.data if self.config else None, self.ports)


@dataclass(eq=False)
class WorkloadCollector(Collector):
    """A collector run as a hand-written Deployment/DaemonSet/StatefulSet (validate.workload_collectors):
    `config` the file its `--config` names, from the ConfigMap mounted there; `obj` a view of the
    workload as a collector resource. The Services in front of it are the tree's own, not modelled."""

    workload: KubeObject | None = None

    image_field = "the container's image"
    operator_chooses_image = False

    def service_names(self) -> dict[str, str]:
        return {}


@dataclass(eq=False)
class TerraformResource(DocumentView):
    """A `resource "<type>" "<name>"` block as written (attributes as keys, blocks as lists)."""

    type: str
    name: str
    doc: Located
    file: SourceFile

    @property
    def address(self) -> str:
        return f"{self.type}.{self.name}"


@dataclass
class Platform:
    root: str  # the common root of the PATHs: display paths are relative to it
    files: dict[str, SourceFile] = field(default_factory=dict)
    applications: list[Application] = field(default_factory=list)
    application_sets: list["ApplicationSetModel"] = field(default_factory=list)
    clusters: list[Any] = field(default_factory=list)  # fleet.expand.ClusterTarget registrations
    argocd_version: str = "2.13"
    objects: list[KubeObject] = field(default_factory=list)
    collectors: list[Collector] = field(default_factory=list)
    platform_repos: set[str] = field(default_factory=set)
    terraform_resources: list[TerraformResource] = field(default_factory=list)
    # display directory of a local module -> display directories of the modules that call it
    terraform_callers: dict[str, set[str]] = field(default_factory=dict)
    # display directory -> {provider source: version} from its .terraform.lock.hcl
    terraform_locks: dict[str, dict[str, str]] = field(default_factory=dict)
    registered_clusters: set[str] = field(default_factory=set)  # declared as registered outside this tree (server or name)
    repository_top: str = ""  # the git work tree the PATHs are in, when they are in one
    tracebacks: list[str] = field(default_factory=list)  # of internal errors, for --debug
    external_secrets: set[str] = field(default_factory=set)  # "namespace/name" of Secrets declared as created outside this tree
    stack_components: set[str] = field(default_factory=set)  # charts the stack definitions deploy
    kubernetes_version: str = "1.32"
    rule_settings: dict[str, Any] = field(default_factory=dict)  # from the stack definition or .otelstack.yaml
    # Raw findings of loaders: (rule id, Problem)
    load_problems: list[tuple[str, Any]] = field(default_factory=list)
    stale: list[tuple[str, Location, str]] = field(default_factory=list)  # render-stale inputs
    # what Terraform applies to a cluster that otelstack cannot see (a manifest known at apply, a
    # remote module of cluster add-ons, kubectl or helm run by a provisioner): the tree is not whole
    unseen_applied: list[str] = field(default_factory=list)

    def repo_path(self, path: str) -> str:
        """A repository path (an Application's `path`, `$values/...`) on disk: relative to the checked
        tree when it is there (a tree nested in another repository), else to the git work tree the
        tree is in (validate run on a subdirectory)."""
        here = os.path.normpath(os.path.join(self.root, path))
        if os.path.exists(here) or not self.repository_top:
            return here
        return os.path.normpath(os.path.join(self.repository_top, path))

    def objects_of(self, kind: str, api_group: str | None = None) -> Iterator[KubeObject]:
        for obj in self.objects:
            if obj.kind == kind and (api_group is None or str(obj.api_version).startswith(api_group + "/")):
                yield obj

    @property
    def argocd_applications(self) -> list[Application]:
        """The Argo CD applications: what the argocd-* rules judge (helm_release deployments are not)."""
        return [app for app in self.applications if app.engine == "argocd"]

    def resources_of(self, *types: str) -> Iterator[TerraformResource]:
        return (r for r in self.terraform_resources if r.type in types)

    def declared_namespaces(self) -> set[str]:
        return {o.name for o in self.objects if o.kind == "Namespace" and isinstance(o.name, str)}

    def is_platform_repo(self, url: Any) -> bool:
        return isinstance(url, str) and normalize_url(url) in {normalize_url(u) for u in self.platform_repos}

    def is_platform_owner(self, url: Any) -> bool:
        """A repository of the same owner (organisation or user, on the same host) as this platform repo."""
        def owner(value: str) -> str:
            return normalize_url(value).rsplit("/", 1)[0]

        return isinstance(url, str) and "/" in normalize_url(url).removeprefix("https://") and \
            owner(url) in {owner(u) for u in self.platform_repos}

    def is_own_source(self, source: "AppSource", app: "Application | None" = None) -> bool:
        """A source of this platform repo: its URL is the repo's, or (the tree's remotes unknown) its
        path is a directory of this tree, or the `$ref/...` values files `app` reads through it are files of it."""
        if self.is_platform_repo(source.repo_url):
            return True
        if isinstance(source.repo_url, str) and self.platform_repos:
            return False  # another repository, whatever paths it shares with this one
        if source.is_helm_repo:
            return False
        if isinstance(source.path, str):
            return os.path.isdir(self.repo_path(source.path))
        if app is None or not isinstance(source.ref, str):
            return False
        through = [entry.split("/", 1)[1] for other in app.sources
                   for entry in (other.value_files if isinstance(other.value_files, list) else [])
                   if isinstance(entry, str) and entry.startswith(f"${source.ref}/")]
        return bool(through) and all(os.path.isfile(self.repo_path(path)) for path in through)

    def collectors_named(self) -> dict[tuple[str, str], Collector]:
        return {(c.name, c.namespace): c for c in self.collectors if isinstance(c.name, str) and isinstance(c.namespace, str)}




# Terraform -> Argo CD shape ---------------------------------------------------------------------


@lru_cache(maxsize=1)
def tf_application_schema() -> dict:
    return resources.data_yaml("terraform", "argocd_application.yaml")


@lru_cache(maxsize=1)
def tf_application_set_schema() -> dict:
    schema = copy.deepcopy(resources.data_yaml("terraform", "argocd_application_set.yaml"))
    spec = schema["blocks"]["spec"]
    spec["blocks"]["template"]["blocks"]["spec"] = tf_application_schema()["blocks"]["spec"]
    generator = spec["blocks"]["generator"]
    for nesting in ("matrix", "merge"):  # nested generators have the generator's own shape
        generator["blocks"][nesting]["blocks"] = {"generator": generator}
    return schema


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def normalize_terraform(raw: Located, schema: dict | None = None) -> Located:
    """`resource "argocd_application"` (or `_set`) block: attributes, blocks as lists -> the Argo CD shape."""
    out = Located({}, raw.file)
    moves: dict[Path, Path] = {(): ()}
    _translate_block(raw.data, (), out.data, (), schema or tf_application_schema(), moves)
    move_locations(raw, out, moves)
    return out


def move_locations(raw: Located, out: Located, moves: dict[Path, Path]) -> None:
    """The locations of a block translated to another shape: in one pass, each follows the
    longest moved prefix of its path."""
    for table, target in ((raw.locations, out.locations), (raw.key_locations, out.key_locations)):
        for path, loc in table.items():
            for cut in range(len(path), -1, -1):
                moved = moves.get(path[:cut])
                if moved is not None:
                    target[moved + path[cut:]] = loc
                    break


def _translate_block(data: Any, rpath: Path, target: dict, opath: Path, schema: dict, moves: dict[Path, Path]) -> None:
    if not isinstance(data, dict):
        return
    blocks = schema.get("blocks", {})
    renames = schema.get("rename", {})
    for key, value in data.items():
        items = value if isinstance(value, list) else []
        if key.startswith("dynamic ") and key[8:] in blocks:
            # a dynamic block: how many it generates is unknown, its content stands for each of them
            name = key[8:]
            spec = blocks[name]
            content = [(index, item["content"][0]) for index, item in enumerate(items)
                       if isinstance(item, dict) and isinstance(item.get("content"), list) and item["content"]]
            for index, body in content[:1]:
                target_name = spec.get("as") or camel(name)
                single = spec.get("max") == 1
                target[target_name] = {} if single else [{}]
                child_path = opath + ((target_name,) if single else (target_name, 0))
                moves[rpath + (key, index, "content", 0)] = child_path
                _translate_block(body, rpath + (key, index, "content", 0), target[target_name] if single else target[target_name][0],
                                 child_path, spec, moves)
        elif key in blocks:
            spec = blocks[key]
            name = spec.get("as") or camel(key)
            moves[rpath + (key,)] = opath + (name,)
            if spec.get("max") == 1:
                if not items:
                    continue
                target[name] = {}
                moves[rpath + (key, 0)] = opath + (name,)
                _translate_block(items[0], rpath + (key, 0), target[name], opath + (name,), spec, moves)
            else:
                target[name] = []
                for index, item in enumerate(items):
                    target[name].append({})
                    _translate_block(item, rpath + (key, index), target[name][index], opath + (name, index), spec, moves)
        else:
            name = renames.get(key) or camel(key)
            target[name] = copy.deepcopy(value)
            moves[rpath + (key,)] = opath + (name,)


def sources_as_list(doc: Located, spec_path: Path = ("spec",)) -> Located:
    """An Application's (or an ApplicationSet template's) `source` as `sources[0]` (when `sources`
    is set Argo CD ignores `source`), so every rule reads one shape. Locations follow."""
    spec = doc.get(spec_path)
    if not isinstance(spec, dict) or "source" not in spec:
        return doc
    out = Located(copy.deepcopy(doc.data), doc.file, dict(doc.locations), dict(doc.key_locations))
    target = out.get(spec_path)
    source = target.pop("source")
    if "sources" in target:
        return out
    target["sources"] = [source]
    old, new = spec_path + ("source",), spec_path + ("sources", 0)
    n = len(old)
    for table in (out.locations, out.key_locations):
        for p in [p for p in table if p[:n] == old]:
            table[new + p[n:]] = table.pop(p)
    out.locations.setdefault(spec_path + ("sources",), out.locations.get(new, doc.location(spec_path)))
    return out


_MISSING = object()


# Helm values ------------------------------------------------------------------------------------


def decode_values(value: Any, doc: Located, path: Path, file: SourceFile, read_file: Any) -> tuple[Located | None, bool, list]:
    """Helm values given as yamlencode()/jsonencode(), a heredoc, a YAML string, valuesObject or file().

    Returns (values, unknown, problems) where problems are (Location, message) of YAML errors."""
    if value is None:
        return None, False, []
    if isinstance(value, Encoded):
        sub = doc.sub(path)
        sub.data = value.data
        return sub, False, []
    if isinstance(value, dict):
        return doc.sub(path), False, []
    if isinstance(value, FileRef):
        return read_file(value.path, doc.location(path), value.written if value.cwd_unknown else None)
    if isinstance(value, str):
        loc = doc.location(path)
        loaded = load_embedded(value, file, loc)
        problems = [(p.location, p.message) for p in loaded.problems]
        templated = isinstance(value, HeredocText) and value.templated
        if templated and (problems or not loaded.documents):
            return None, True, []  # YAML that only exists once Terraform renders it: not checked
        if not loaded.documents:
            return None, bool(problems), problems
        values = loaded.documents[0]
        if not isinstance(values.data, dict):
            return None, templated, [] if templated else problems + [(loc, "Helm values must be a YAML mapping")]
        return values, templated, problems
    return None, True, []


def embedded_offsets(file: SourceFile, loc: Location) -> tuple[int, int, int]:
    """Where YAML embedded in a string value starts: a block scalar (`|`) starts on the next line
    at the block's indentation; a quoted or plain string on its own line and column."""
    lines = file.lines
    if 0 < loc.line <= len(lines):
        here = lines[loc.line - 1][loc.column - 1 :].lstrip()
        if here[:1] in ("|", ">"):
            for index in range(loc.line, len(lines)):
                if lines[index].strip():
                    indent = len(lines[index]) - len(lines[index].lstrip(" "))
                    return loc.line, indent, 0
            return loc.line, 0, 0
        if here[:1] in ('"', "'"):
            return loc.line - 1, 0, loc.column
    return loc.line - 1, 0, loc.column - 1


def load_embedded(value: str, file: SourceFile, loc: Location) -> YamlDocuments:
    """YAML written inside another file: a heredoc (or a rendered template) at its own lines, with
    the values Terraform fills in unknown; a string at the position of the value holding it."""
    if isinstance(value, EncodedText):
        return YamlDocuments(value.document.file, [value.document])
    if isinstance(value, HeredocText):
        loaded = load_yaml(str(value), value.file or loc.file, line_offset=value.line_offset, indent=value.column_offset)
        if value.holes:
            for document in loaded.documents:
                _mark_holes(document, value)
        return loaded
    # a string bound from another file (a module call's argument) sits at its own position there
    line_offset, indent, column_offset = embedded_offsets(file, loc) if loc.file == file.path else (loc.line - 1, 0, loc.column - 1)
    return load_yaml(value, loc.file, line_offset=line_offset, indent=indent, column_offset=column_offset)


def _mark_holes(values: Located, heredoc: HeredocText) -> None:
    holes = [(heredoc.line_offset + line, start + heredoc.column_offset, end + heredoc.column_offset) for line, start, end in heredoc.holes]

    def overlaps(loc: Location) -> bool:
        end = (loc.end_line, loc.end_column) if (loc.end_line, loc.end_column) > (loc.line, loc.column) else (loc.line, loc.column + 1)
        return any((loc.line, loc.column) < (line, stop) and (line, start) < end for line, start, stop in holes)

    def visit(node: Any, path: Path) -> Any:
        if isinstance(node, dict):
            return {k: visit(v, path + (k,)) for k, v in node.items()}
        if isinstance(node, list):
            return [visit(v, path + (i,)) for i, v in enumerate(node)]
        loc = values.locations.get(path)
        if loc is not None and overlaps(loc):
            return Unknown(str(node))
        return node

    values.data = visit(values.data, ())


def known(value: Any) -> bool:
    """True when a value is fully known: no Unknown anywhere inside."""
    return fully_known(value)


def identify_sources(app: Application) -> None:
    for source in app.sources:
        source.knowledge = charts.identify(source.repo_url, source.chart, source.path)
