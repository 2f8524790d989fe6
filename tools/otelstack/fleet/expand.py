"""Expand an ApplicationSet offline into the Applications the controller would generate, and say
exactly what cannot be expanded instead of guessing.

Per top-level generator: its parameter sets (generators.py) and its template (the generator's
own merged over the ApplicationSet's). Every string of the template is rendered with each
parameter set (map keys too) in the ApplicationSet's mode: Go text/template with
goTemplateOptions (gotemplate.py), or fasttemplate (fasttemplate.py). A template that fails is not
generated, as with the controller; an application whose name is not a valid Kubernetes name is not
created either. The generated application lands in the ApplicationSet's namespace.

What the Python engine cannot evaluate (a Sprig function it lacks) goes to helm's engine when
helm is installed (one batch for the whole ApplicationSet), and is "cannot expand offline" only
without it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

from otelstack.fleet import fasttemplate, gotemplate
from otelstack.fleet.clusters import (  # noqa: F401  (re-exported: the loaders and rules import them from here)
    IN_CLUSTER_NAME,
    IN_CLUSTER_SERVER,
    ClusterTarget,
    candidate_clusters,
    matches,
    selector_is_empty,
)
from otelstack.fleet.functions import normalize  # noqa: F401
from otelstack.fleet.generators import Context, ExpansionProblem, ParamSet, generate, generator_kind
from otelstack.fleet.gitsource import GitSource
from otelstack.fleet.govalues import NeedsEngine, Nondeterministic, TemplateError
from otelstack.source import Located, Path, Unknown, is_unknown
from otelstack.yamlsource import copied

Renderer = Callable[[list[tuple[str, dict]]], list[Any]]  # (template, params) -> text or an exception
RESOURCES_FINALIZER = "resources-finalizer.argocd.argoproj.io"
_DNS_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\Z")


class NotExpanded(Unknown):
    """A template field no engine here could expand: its template text, never shown as a value, and why."""

    __slots__ = ("reason",)

    def __init__(self, expression: str, reason: str) -> None:
        super().__init__(expression)
        self.reason = reason


@dataclass
class Generated:
    cluster: ClusterTarget | None  # None for parameter sets that name no cluster (list, git)
    params: dict
    doc: Located  # the Application, locations in the ApplicationSet's template
    label: str = ""


@dataclass
class Expansion:
    generated: list[Generated] = field(default_factory=list)
    problems: list[ExpansionProblem] = field(default_factory=list)
    selected_clusters: int = 0
    complete: bool = True  # False when a generator or template could not be expanded offline
    go_template: bool = False


def render_python(jobs: list[tuple[str, dict]], options: list[str] | tuple[str, ...] = ()) -> list[Any]:
    out: list[Any] = []
    for template, params in jobs:
        try:
            out.append(gotemplate.render(template, params, options))
        except (TemplateError, NeedsEngine) as exc:
            out.append(exc)
    return out


def helm_fallback(jobs: list[tuple[str, dict]]) -> list[Any]:
    """helm's engine for what the Python one does not evaluate; NeedsEngine when helm is missing."""
    from otelstack.external import ProcessRunner, find_tool
    from otelstack.fleet.helm_engine import render_with_helm

    helm = find_tool("helm")
    if helm is None:
        return [NeedsEngine("no other engine (install helm, `make setup`, to expand it)")] * len(jobs)
    return render_with_helm(jobs, ProcessRunner(), helm)


def expand(appset: Located, clusters: list[ClusterTarget], renderer: Renderer | None = None,
           git: GitSource | None = None, fallback: Renderer = helm_fallback) -> Expansion:
    """Generate the applications of one ApplicationSet. `renderer`, when given, renders every Go
    template string (helm's engine for `--engine helm`); otherwise the Python engine does, with
    `fallback` for what it does not evaluate."""
    result = Expansion()
    spec = appset.get(("spec",)) or {}
    if not isinstance(spec, dict):
        return result
    go = spec.get("goTemplate") is True
    result.go_template = go
    raw_options = spec.get("goTemplateOptions") or []
    ctx = Context(appset, go, [], clusters, git)
    if is_unknown(spec.get("goTemplate")) or (go and (is_unknown(raw_options) or (isinstance(raw_options, list)
                                                                                  and any(is_unknown(o) for o in raw_options)))):
        ctx.problem("unknown", ("spec",), "goTemplate or goTemplateOptions is not known before apply (a Terraform variable or reference)")
        result.problems, result.complete = ctx.problems, False
        return result
    options = [str(o) for o in raw_options if isinstance(o, str)] if go and isinstance(raw_options, list) else []
    ctx.options = options
    if spec.get("templatePatch"):
        ctx.problem("unsupported", ("spec", "templatePatch"), "cannot expand offline: templatePatch (a Go template producing a patch)")
        result.problems, result.complete = ctx.problems, False
        return result
    template = spec.get("template")
    generators = spec.get("generators") or []
    jobs: list[_Job] = []
    pending: list[tuple[Generated, list[tuple[Path, str]]]] = []
    for index, generator in enumerate(generators if isinstance(generators, list) else []):
        path: Path = ("spec", "generators", index)
        sets = generate(ctx, generator, path)
        if sets is None:
            result.complete = False
            continue
        kind = generator_kind(generator)
        own = generator[kind].get("template") if kind and isinstance(generator.get(kind), dict) else None
        merged = _merge_template(own, template) if isinstance(own, dict) and own else template
        if not isinstance(merged, dict):
            continue
        plan = _plan(merged)
        for entry in sets:
            _render_one(ctx, appset, merged, plan, entry, renderer, jobs, pending, options)
    _finish(ctx, result, jobs, pending, renderer, fallback, options)
    result.problems = ctx.problems
    result.complete = result.complete and not any(p.kind in ("unsupported", "live", "unknown") for p in ctx.problems)
    result.selected_clusters = ctx.selected_clusters
    namespace = appset.get(("metadata", "namespace"))
    preserve = (spec.get("syncPolicy") or {}).get("preserveResourcesOnDeletion") is True if isinstance(spec.get("syncPolicy"), dict) else False
    for generated in result.generated:
        metadata = generated.doc.data.setdefault("metadata", {})
        if isinstance(metadata, dict):
            # the controller creates applications in the ApplicationSet's namespace, and with the
            # resources finalizer unless the template sets finalizers or resources are preserved
            metadata["namespace"] = namespace
            if not metadata.get("finalizers") and not preserve:
                metadata["finalizers"] = [RESOURCES_FINALIZER]
    return result


@dataclass
class _Job:
    template: str
    params: dict
    target: Generated
    path: Path
    python_lacks: str = ""  # what sent it to the fallback: part of the reason when the fallback fails too


def _plan(template: dict) -> tuple[list[tuple[Path, str]], bool]:
    """The templated strings of a template, and whether any map key is templated."""
    fields: list[tuple[Path, str]] = []
    keys = False

    def visit(value: Any, path: Path) -> None:
        nonlocal keys
        if isinstance(value, dict):
            for key, item in value.items():
                if isinstance(key, str) and "{{" in key:
                    keys = True
                visit(item, path + (key,))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                visit(item, path + (index,))
        elif isinstance(value, str) and "{{" in value:
            fields.append((path, value))

    visit(template, ())
    return fields, keys


def _set(data: Any, path: Path, value: Any) -> None:
    for key in path[:-1]:
        data = data[key]
    data[path[-1]] = value


def _unknown_parameters(params: dict, prefix: str = "") -> list[str]:
    """Dotted names of the parameters only known at apply time (as a template names them)."""
    found = []
    for key, value in params.items():
        if isinstance(value, dict):
            found += _unknown_parameters(value, f"{prefix}{key}.")
        elif is_unknown(value):
            found.append(f"{prefix}{key}")
    return found


def _render_one(ctx: Context, appset: Located, template: dict, plan, entry: ParamSet, renderer, jobs, pending, options) -> None:
    fields, templated_keys = plan
    data = copied(template)
    base: Path = ("spec", "template")
    doc = Located(data, appset.file, _template_locations(appset), _template_key_locations(appset))
    generated = Generated(entry.cluster, entry.params, doc, entry.label)
    if not entry.params:  # the controller returns the template untouched for empty parameters
        pending.append((generated, []))
        return
    failed = False
    unknown = _unknown_parameters(entry.params)
    # Parameters known only at apply time (a list element from a Terraform reference) reach the
    # engine as two different stand-ins: a field whose output differs between them, or that fails,
    # reads them and is not expanded; never a stand-in (or the expression) spliced in as a value.
    params = _with_stand_in(entry.params, _STAND_INS[0]) if unknown else entry.params
    other = _with_stand_in(entry.params, _STAND_INS[1]) if unknown else entry.params
    apply_time = f"reads {', '.join(unknown)}, known only at apply"
    for path, text in fields:
        read = [name for name in unknown if name in text]
        if read:
            _set(data, path, NotExpanded(text, f"reads {', '.join(read)}, known only at apply"))
            continue
        if ctx.go:
            if renderer is not None and not unknown:
                jobs.append(_Job(text, entry.params, generated, path))
                continue
            try:
                output = gotemplate.render(text, params, options)
                depends = unknown and gotemplate.render(text, other, options) != output
            except TemplateError as exc:
                if unknown:
                    _set(data, path, NotExpanded(text, apply_time))
                    continue
                ctx.problem("template-error", base + path, f"template fails for {entry.label}: {exc}", _cluster(entry), key=False)
                failed = True
                break
            except Nondeterministic as exc:
                ctx.problem("unsupported", base + path, f"cannot expand offline: {exc.construct}", key=False)
                _set(data, path, NotExpanded(text, exc.construct))
            except NeedsEngine as exc:
                if unknown:  # no other engine gets apply-time parameters
                    _set(data, path, NotExpanded(text, f"{exc.construct} (not in otelstack's Python engine), {apply_time}"))
                else:
                    jobs.append(_Job(text, entry.params, generated, path, exc.construct))
            else:
                _set(data, path, NotExpanded(text, apply_time) if depends else output)
        else:
            try:
                _set(data, path, fasttemplate.render(text, entry.params))
            except TemplateError as exc:
                ctx.problem("template-error", base + path, f"template fails for {entry.label}: {exc}", _cluster(entry), key=False)
                failed = True
                break
    if not failed and templated_keys:
        try:
            doc.data = _render_keys(ctx, data, params, options)
            if unknown and _render_keys(ctx, data, other, options) != doc.data:
                ctx.problem("unsupported", base, f"cannot expand offline: a map key {apply_time}", key=False)
                failed = True
        except TemplateError as exc:
            ctx.problem("template-error", base, f"template fails for {entry.label}: {exc}", _cluster(entry), key=False)
            failed = True
        except NeedsEngine as exc:
            ctx.problem("unsupported", base, f"cannot expand offline: {exc.construct} in a map key")
            failed = True
    if not failed:
        pending.append((generated, fields))


_STAND_INS = ("<known at apply: a>", "<known at apply: b>")


def _with_stand_in(value: Any, stand_in: str) -> Any:
    if isinstance(value, Unknown):
        return stand_in
    if isinstance(value, dict):
        return type(value)({k: _with_stand_in(v, stand_in) for k, v in value.items()})
    if isinstance(value, list):
        return [_with_stand_in(v, stand_in) for v in value]
    return value


def _render_keys(ctx: Context, value: Any, params: dict, options) -> Any:
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if isinstance(key, str) and "{{" in key:
                key = gotemplate.render(key, params, options) if ctx.go else fasttemplate.render(key, params)
            out[key] = _render_keys(ctx, item, params, options)
        return out
    if isinstance(value, list):
        return [_render_keys(ctx, v, params, options) for v in value]
    return value


def _cluster(entry: ParamSet) -> str:
    return entry.cluster.name if entry.cluster is not None else entry.label


def _finish(ctx: Context, result: Expansion, jobs: list[_Job], pending, renderer, fallback, options) -> None:
    failed: set[int] = set()
    base: Path = ("spec", "template")
    if jobs:
        ready: list[_Job] = []
        for job in jobs:
            missing = _missing_key(job.template, job.params) if "missingkey=error" in options else None
            if missing is not None:
                if id(job.target) not in failed:
                    ctx.problem("template-error", base + job.path, f"template fails for {job.target.label}: {missing}",
                                job.target.cluster.name if job.target.cluster else job.target.label, key=False)
                failed.add(id(job.target))
            else:
                ready.append(job)
        outputs = (renderer or fallback)([(job.template, job.params) for job in ready]) if ready else []
        reported: set[tuple[Path, str]] = set()
        for job, output in zip(ready, outputs):
            if isinstance(output, TemplateError):
                if id(job.target) not in failed:
                    ctx.problem("template-error", base + job.path, f"template fails for {job.target.label}: {output}",
                                job.target.cluster.name if job.target.cluster else job.target.label, key=False)
                failed.add(id(job.target))
                continue
            if isinstance(output, NeedsEngine):
                # neither engine: say what each lacks (the Python engine may have what the other lacks)
                reason = (f"{job.python_lacks} (not in otelstack's Python engine) and {output.construct}"
                          if job.python_lacks and job.python_lacks not in output.construct else output.construct)
                if (job.path, reason) not in reported:
                    reported.add((job.path, reason))
                    ctx.problem("unsupported", base + job.path, f"cannot expand offline: {reason}", key=False)
                result.complete = False
                output = NotExpanded(job.template, reason)
            _set(job.target.doc.data, job.path, output)
    for generated, _ in pending:
        if id(generated) in failed:
            continue
        name = generated.doc.data.get("metadata", {}).get("name") if isinstance(generated.doc.data.get("metadata"), dict) else None
        problem = _name_problem(name)
        if problem:
            ctx.problem("invalid-name", base + ("metadata", "name"), f"{problem} for {generated.label}",
                        generated.cluster.name if generated.cluster else generated.label, key=False)
            continue
        result.generated.append(generated)


def _name_problem(name: Any) -> str:
    if isinstance(name, Unknown):
        return ""
    if not isinstance(name, str) or not name:
        return "the generated application has no name: the controller refuses the ApplicationSet's applications"
    if len(name) > 253 or not _DNS_SUBDOMAIN.match(name):
        return (f"the generated application name {name!r} is not a valid Kubernetes name (lower-case letters, digits, "
                "'-' and '.'): the API server refuses it")
    return ""


def _missing_key(template: str, params: dict) -> TemplateError | None:
    """missingkey=error for another engine (helm's renders a missing key empty): the field chains
    read at the template's top level must exist."""
    for reference in gotemplate.references(template):
        node: Any = params
        walked = ""
        for part in reference.split("."):
            walked += "." + part
            if not isinstance(node, dict) or part not in node:
                return TemplateError(f'map has no entry for key "{part}" (at <{walked}>)')
            node = node[part]
    return None


def _merge_template(own: dict, base: Any) -> dict:
    """mergo.Merge(generator's template, ApplicationSet's template): the generator's non-empty
    fields win, the rest comes from the ApplicationSet's."""
    if not isinstance(base, dict):
        return own
    out = dict(own)
    for key, value in base.items():
        mine = out.get(key)
        if isinstance(mine, dict) and isinstance(value, dict):
            out[key] = _merge_template(mine, value)
        elif mine in (None, "", [], {}, False, 0):
            out[key] = value
    return out


_LOCATION_CACHE: dict[int, tuple[Located, dict, dict]] = {}


def _template_locations(appset: Located) -> dict:
    return _template_view(appset)[1]


def _template_key_locations(appset: Located) -> dict:
    return _template_view(appset)[2]


def _template_view(appset: Located) -> tuple[Located, dict, dict]:
    """The template's locations, re-keyed once per ApplicationSet and shared by its applications."""
    cached = _LOCATION_CACHE.get(id(appset))
    if cached is None or cached[0] is not appset:
        view = appset.sub(("spec", "template"))
        view.locations.setdefault(("metadata", "namespace"), appset.location(("metadata", "namespace")))
        cached = (appset, view.locations, view.key_locations)
        _LOCATION_CACHE.clear() if len(_LOCATION_CACHE) > 64 else None
        _LOCATION_CACHE[id(appset)] = cached
    return cached
