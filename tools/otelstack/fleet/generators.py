"""ApplicationSet generators offline, parameter for parameter as the controller's
(applicationset/generators in argoproj/argo-cd): list, clusters (labels, matchExpressions,
`values`, flatList), matrix (exactly two children; the second interpolated with each of the
first's parameter sets), merge (`mergeKeys`), git directories and files over the repository being
checked, and each generator's `selector` on the flattened parameters.

With `goTemplate: true` parameters are nested (`.metadata.labels.x`, `.path.basename`); without
it they are flat strings (`metadata.labels.x`, `path.basename`, `path[0]`). Generators that need
a live Argo CD (SCM provider, pull request, cluster-decision resource, plugin, a git repository
that is not this one) are named, never guessed.
"""

from __future__ import annotations

import copy
import json
import posixpath
from dataclasses import dataclass, field
from typing import Any, Callable

import yaml

from otelstack.fleet import fasttemplate, gotemplate
from otelstack.fleet.clusters import ClusterTarget, candidate_clusters, matches, selector_is_empty
from otelstack.fleet.functions import normalize
from otelstack.fleet.gitsource import GitSource, RevisionNotFound, path_match
from otelstack.fleet.govalues import NeedsEngine, StrMap, TemplateError, fmt_v, go_json
from otelstack.source import Located, Location, Path, is_unknown

LIVE_GENERATORS = {"scmProvider": "SCM provider", "pullRequest": "pull request",
                   "clusterDecisionResource": "cluster-decision resource", "plugin": "plugin"}
KNOWN = ("list", "clusters", "git", "matrix", "merge", *LIVE_GENERATORS)


@dataclass
class ExpansionProblem:
    kind: str  # template-error | unsupported | live | matrix | no-match | unknown | invalid-name
    location: Location
    message: str
    cluster: str = ""


@dataclass
class ParamSet:
    params: dict
    cluster: ClusterTarget | None = None
    label: str = ""  # what produced it, for messages: a cluster, a list element, a git path


@dataclass
class Context:
    appset: Located
    go: bool
    options: list[str]
    clusters: list[ClusterTarget]
    git: GitSource | None
    problems: list[ExpansionProblem] = field(default_factory=list)
    selected_clusters: int = 0

    def problem(self, kind: str, path: Path, message: str, cluster: str = "", key: bool = True) -> None:
        where = self.appset.key_location(path) if key else self.appset.location(path)
        self.problems.append(ExpansionProblem(kind, where, message, cluster))

    def render(self, text: str, params: dict, options: list[str] | None = None) -> str:
        if self.go:
            return gotemplate.render(text, params, self.options if options is None else options)
        return fasttemplate.render(text, params)


def generator_kind(generator: Any) -> str | None:
    if not isinstance(generator, dict):
        return None
    kinds = [k for k in generator if k in KNOWN]
    return kinds[0] if kinds else None


def generate(ctx: Context, generator: Any, path: Path, interpolate: dict | None = None) -> list[ParamSet] | None:
    """Parameter sets of one generator (None when it cannot be generated; problems say why)."""
    kind = generator_kind(generator)
    if kind is None:
        if isinstance(generator, dict) and generator:
            ctx.problem("template-error", path, f"unrecognized generator: {', '.join(map(str, generator))}")
        return None
    if interpolate:
        try:
            generator = _interpolate(ctx, generator, interpolate)
        except TemplateError as exc:
            ctx.problem("template-error", path, f"the generator fails for {_describe(interpolate)}: {exc}")
            return None
        except NeedsEngine as exc:
            ctx.problem("unsupported", path, f"cannot expand offline: {exc.construct} in a generator")
            return None
    body = generator[kind]
    where = path + (kind,)
    if is_unknown(body) or (isinstance(body, dict) and any(is_unknown(v) for v in body.values())):
        ctx.problem("unknown", path, "the generator is not known before apply (a Terraform variable or reference)")
        return None
    if kind in LIVE_GENERATORS:
        ctx.problem("live", where, f"not checked: the {LIVE_GENERATORS[kind]} generator needs a live Argo CD")
        return None
    body = body if isinstance(body, dict) else {}
    produce: Callable[[Context, dict, Path], list[ParamSet] | None] = {
        "list": _list, "clusters": _clusters, "git": _git, "matrix": _matrix, "merge": _merge}[kind]
    sets = produce(ctx, body, where)
    if sets is None:
        return None
    selector = generator.get("selector")
    if isinstance(selector, dict) and not selector_is_empty(selector):
        sets = [s for s in sets if matches(selector, flatten_parameters(s.params))]
    return sets


def _describe(params: dict) -> str:
    name = params.get("name")
    return f"cluster {name}" if isinstance(name, str) else "a parameter set of the first generator"


# --- list ----------------------------------------------------------------------------------------

def _list(ctx: Context, body: dict, where: Path) -> list[ParamSet] | None:
    elements = body.get("elements") or []
    if not isinstance(elements, list) or any(is_unknown(e) for e in elements):
        ctx.problem("unsupported", where, "cannot expand offline: list elements that are not known before apply")
        return None
    out = []
    for index, element in enumerate(elements):
        if not isinstance(element, dict):
            ctx.problem("template-error", where + ("elements", index), "error unmarshalling list element: not an object", key=False)
            return None
        if ctx.go:
            params = go_json(element)
        else:
            params = {}
            for key, value in element.items():
                if key == "values" and isinstance(value, dict):
                    if not all(isinstance(v, str) or is_unknown(v) for v in value.values()):
                        ctx.problem("template-error", where + ("elements", index), "error parsing value as string", key=False)
                        return None
                    params.update({f"values.{k}": v for k, v in value.items()})
                elif isinstance(value, str) or is_unknown(value):
                    params[str(key)] = value  # a value known only at apply time stays unknown in what it fills
                else:
                    ctx.problem("template-error", where + ("elements", index, key),
                                f"error parsing value as string: {key!r} is not a string (without goTemplate list values must be strings)", key=False)
                    return None
        out.append(ParamSet(params, None, f"list element {index}"))
    text = body.get("elementsYaml")
    if isinstance(text, str) and text.strip():
        try:
            extra = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            ctx.problem("template-error", where + ("elementsYaml",), f"error unmarshalling elementsYaml: {exc}")
            return None
        if not isinstance(extra, list) or not all(isinstance(e, dict) for e in extra):
            ctx.problem("template-error", where + ("elementsYaml",), "error unmarshalling elementsYaml: not a list of objects")
            return None
        out += [ParamSet(go_json(e), None, f"elementsYaml element {i}") for i, e in enumerate(extra)]
    return out


# --- clusters ------------------------------------------------------------------------------------

def _clusters(ctx: Context, body: dict, where: Path) -> list[ParamSet] | None:
    selector = body.get("selector")
    if is_unknown(selector) or (isinstance(selector, dict) and any(is_unknown(v) for v in selector.values())):
        ctx.problem("unknown", where, "the selector is not known before apply (a Terraform variable or reference)")
        return None
    if not ctx.clusters:
        # The clusters are registered outside this tree (another repository, a remote module): expanding
        # against a guess would invent parameters. Say so instead.
        ctx.problem("unsupported", where, "not expanded: no cluster is registered in this tree "
                                          "(cluster Secrets, argocd_cluster, the stack's clusters)")
        return None
    pool = candidate_clusters(ctx.clusters)
    if not selector_is_empty(selector):
        pool = [c for c in pool if c.registered]  # a label selector never matches the unregistered in-cluster target
    chosen = [c for c in pool if matches(selector, c.secret_labels())]
    ctx.selected_clusters += len(chosen)
    if not chosen:
        ctx.problem("no-match", where + ("selector",) if selector else where, "the clusters generator selects no declared cluster")
    values = body.get("values") or {}
    out = []
    for cluster in chosen:
        params = cluster.params(ctx.go)
        if not _add_values(ctx, values, params, where + ("values",), cluster.name):
            return None
        out.append(ParamSet(params, cluster, f"cluster {cluster.name}"))
    if body.get("flatList") is True:
        return [ParamSet({"clusters": [s.params for s in out]}, None, "all clusters")]
    return out


def _add_values(ctx: Context, values: Any, params: dict, where: Path, label: str) -> bool:
    """A generator's `values`, each rendered with the generator's parameters (appendTemplatedValues)."""
    if not isinstance(values, dict) or not values:
        return True
    rendered: dict[str, str] = {}
    for key, value in values.items():
        if is_unknown(value) or not isinstance(value, str):
            ctx.problem("unsupported", where + (key,), "cannot expand offline: a generator value that is not a known string", label)
            return False
        try:
            rendered[str(key)] = ctx.render(value, params) if "{{" in value else value
        except TemplateError as exc:
            ctx.problem("template-error", where + (key,), f"template fails for {label}: {exc}", label)
            return False
        except NeedsEngine as exc:
            ctx.problem("unsupported", where + (key,), f"cannot expand offline: {exc.construct}", label)
            return False
    if ctx.go:
        params["values"] = StrMap(rendered)
    else:
        params.update({f"values.{k}": v for k, v in rendered.items()})
    return True


# --- git -----------------------------------------------------------------------------------------

def _git(ctx: Context, body: dict, where: Path) -> list[ParamSet] | None:
    url = body.get("repoURL", body.get("repoUrl"))
    revision = body.get("revision", "")
    if ctx.git is None or not ctx.git.names(url):
        ctx.problem("live", where, f"not checked: the git generator reads {url}, not the repository being checked "
                                   "(needs a live Argo CD)")
        return None
    directories = body.get("directories", body.get("directory"))
    files = body.get("files", body.get("file"))
    prefix = body.get("pathParamPrefix") or ""
    try:
        if isinstance(directories, list) and directories:
            found = _git_directories(ctx, revision, directories)
            sets = [ParamSet(_directory_params(ctx.go, d, prefix), None, d) for d in found]
        elif isinstance(files, list) and files:
            sets = _git_files(ctx, body, revision, files, where, prefix)
            if sets is None:
                return None
        else:
            ctx.problem("template-error", where, "the git generator needs directories or files")
            return None
    except RevisionNotFound as exc:
        ctx.problem("unsupported", where + ("revision",) if "revision" in body else where,
                    f"cannot expand offline: revision {exc} is not in the local clone (fetch it)")
        return None
    for entry in sets:
        if not _add_values(ctx, body.get("values") or {}, entry.params, where + ("values",), entry.label):
            return None
    return sets


def _git_directories(ctx: Context, revision: Any, items: list) -> list[str]:
    assert ctx.git is not None
    found = []
    for directory in ctx.git.directories(revision):
        include = exclude = False
        for item in items:
            pattern = item.get("path") if isinstance(item, dict) else None
            if not isinstance(pattern, str) or path_match(pattern, directory) is not True:
                continue
            if item.get("exclude") is True:
                exclude = True
            else:
                include = True
        if include and not exclude:
            found.append(directory)
    return found


def _directory_params(go: bool, directory: str, prefix: str) -> dict:
    base = posixpath.basename(directory)
    if go:
        path = {"path": directory, "basename": base, "basenameNormalized": normalize(base), "segments": directory.split("/")}
        return {prefix: {"path": path}} if prefix else {"path": path}
    name = f"{prefix}.path" if prefix else "path"
    params = {name: directory, f"{name}.basename": base, f"{name}.basenameNormalized": normalize(base)}
    params.update({f"{name}[{i}]": part for i, part in enumerate(directory.split("/")) if part})
    return params


def _git_files(ctx: Context, body: dict, revision: Any, items: list, where: Path, prefix: str) -> list[ParamSet] | None:
    assert ctx.git is not None
    chosen: set[str] = set()
    for item in items:
        if isinstance(item, dict) and isinstance(item.get("path"), str) and item.get("exclude") is not True:
            chosen |= set(ctx.git.files(revision, item["path"]))
    for item in items:
        if isinstance(item, dict) and isinstance(item.get("path"), str) and item.get("exclude") is True:
            chosen -= set(ctx.git.files(revision, item["path"]))
    out = []
    for path in sorted(chosen):
        text = ctx.git.read(revision, path)
        objects = _parse_file(text or "")
        if objects is None:
            ctx.problem("template-error", where, f"unable to process file {path!r}: unable to parse file (not a YAML/JSON object or list of objects)")
            return None
        for obj in objects:
            out.append(ParamSet(_file_params(ctx.go, path, obj, prefix), None, path))
    return out


def _parse_file(text: str) -> list[dict] | None:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    if data is None:
        return [{}]
    if isinstance(data, dict):
        return [go_json(data)]
    if isinstance(data, list) and all(isinstance(item, dict) for item in data):
        return [go_json(item) for item in data]
    return None


def _file_params(go: bool, file_path: str, obj: dict, prefix: str) -> dict:
    directory = posixpath.dirname(file_path) or "."
    base, filename = posixpath.basename(directory), posixpath.basename(file_path)
    if go:
        params = dict(obj)
        path = {"path": directory, "basename": base, "filename": filename, "basenameNormalized": normalize(base),
                "filenameNormalized": normalize(filename), "segments": directory.split("/")}
        params[prefix or "path"] = {"path": path} if prefix else path
        return params
    params = {k: fmt_v(v) for k, v in _flatten(obj).items()}
    name = f"{prefix}.path" if prefix else "path"
    params.update({name: directory, f"{name}.basename": base, f"{name}.filename": filename,
                   f"{name}.basenameNormalized": normalize(base), f"{name}.filenameNormalized": normalize(filename)})
    params.update({f"{name}[{i}]": part for i, part in enumerate(directory.split("/")) if part})
    return params


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """jeremywohl/flatten, dot style: nested maps and lists become dotted keys (lists by index)."""
    out: dict[str, Any] = {}
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, item in items:
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(item, (dict, list)):
            out.update(_flatten(item, name))
        else:
            out[name] = item
    return out


def flatten_parameters(params: dict) -> dict[str, str]:
    """What a generator `selector` matches against: the parameters flattened, values printed."""
    return {k: fmt_v(v) for k, v in _flatten(params).items()}


# --- matrix and merge ----------------------------------------------------------------------------

def _children(ctx: Context, body: dict, where: Path, kind: str) -> list | None:
    children = body.get("generators")
    if is_unknown(children):
        ctx.problem("unknown", where, "the generators are not known before apply")
        return None
    return children if isinstance(children, list) else []


def _matrix(ctx: Context, body: dict, where: Path) -> list[ParamSet] | None:
    children = _children(ctx, body, where, "matrix")
    if children is None:
        return None
    if len(children) != 2:
        ctx.problem("matrix", where, f"a matrix generator takes exactly two child generators, this one has {len(children)}")
        return None
    first = generate(ctx, children[0], where + ("generators", 0))
    if first is None:
        return None
    out = []
    for a in first:
        second = generate(ctx, children[1], where + ("generators", 1), a.params or None)
        if second is None:
            return None
        for b in second:
            if ctx.go:
                combined = _deep_merge(_deep_merge({}, b.params), a.params)
            else:
                combined = {k: fmt_v(v) for k, v in a.params.items()}
                for key, value in b.params.items():
                    text = fmt_v(value)
                    if key in combined and combined[key] != text:
                        ctx.problem("template-error", where, f"found duplicate key {key} with different value, a: {combined[key]} ,b: {text}")
                        return None
                    combined[key] = text
            out.append(ParamSet(combined, a.cluster or b.cluster, " × ".join(x for x in (a.label, b.label) if x)))
    return out


def _deep_merge(target: dict, source: dict) -> dict:
    """mergo.Merge(&target, source, WithOverride) over map[string]interface{}: nested maps merge."""
    for key, value in source.items():
        current = target.get(key)
        if isinstance(value, dict) and isinstance(current, dict) and current:
            merged = type(current)(current)
            target[key] = _deep_merge(merged, value)
        else:
            target[key] = copy.copy(value) if isinstance(value, dict) else value
    return target


def _merge(ctx: Context, body: dict, where: Path) -> list[ParamSet] | None:
    children = _children(ctx, body, where, "merge")
    if children is None:
        return None
    if len(children) < 2:
        ctx.problem("template-error", where, "found less than two generators, Merge requires two or more")
        return None
    keys = body.get("mergeKeys")
    if not isinstance(keys, list) or not keys:
        ctx.problem("template-error", where, "no merge keys were provided")
        return None
    sets = []
    for index, child in enumerate(children):
        generated = generate(ctx, child, where + ("generators", index))
        if generated is None:
            return None
        sets.append(generated)
    unique = sorted(set(map(str, keys)))
    keyed_all = []
    for generated in sets:
        keyed: dict[str, ParamSet] = {}
        for entry in generated:
            key = json.dumps({k: entry.params.get(k) for k in unique}, sort_keys=True, separators=(",", ":"))
            if key in keyed:
                ctx.problem("template-error", where, f"the parameters from a generator were not unique by the given mergeKeys. Duplicate key was {key}")
                return None
            keyed[key] = entry
        keyed_all.append(keyed)
    base = {k: ParamSet(dict(v.params), v.cluster, v.label) for k, v in keyed_all[0].items()}
    for keyed in keyed_all[1:]:
        for key, entry in base.items():
            other = keyed.get(key)
            if other is None:
                continue
            if ctx.go:
                entry.params = _deep_merge(entry.params, other.params)
            else:
                entry.params.update(other.params)
            entry.cluster = entry.cluster or other.cluster
    return list(base.values())


# --- interpolation of a matrix's second generator ------------------------------------------------

def _interpolate(ctx: Context, generator: dict, params: dict) -> dict:
    """RenderGeneratorParams: every string of the generator rendered with the first generator's
    parameters; `values` with missingkey=error, a value that misses a key kept as written."""
    def visit(value: Any, in_values: bool) -> Any:
        if isinstance(value, str):
            if "{{" not in value:
                return value
            if in_values and ctx.go:
                options = [o for o in ctx.options if not str(o).startswith("missingkey=")] + ["missingkey=error"]
                try:
                    return gotemplate.render(value, params, options)
                except TemplateError as exc:
                    if "map has no entry for key" in str(exc) or "can't evaluate field" in str(exc):
                        return value
                    raise
            return ctx.render(value, params)
        if isinstance(value, dict):
            return {(ctx.render(k, params) if isinstance(k, str) and "{{" in k else k): visit(v, in_values or k == "values")
                    for k, v in value.items()}
        if isinstance(value, list):
            return [visit(v, in_values) for v in value]
        return value

    return visit(generator, False)
