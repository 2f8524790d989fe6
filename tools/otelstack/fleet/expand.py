"""Expand ApplicationSets offline, the way the ApplicationSet controller's cluster (and list and
matrix) generators would, and say exactly what cannot be expanded instead of guessing."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from otelstack.fleet import gotemplate
from otelstack.source import Located, Location, Path, Unknown, is_unknown

IN_CLUSTER_SERVER = "https://kubernetes.default.svc"
IN_CLUSTER_NAME = "in-cluster"
CLUSTER_SECRET_LABEL = "argocd.argoproj.io/secret-type"


@dataclass(frozen=True)
class ClusterTarget:
    """A cluster Argo CD knows: registered (a cluster Secret or argocd_cluster) or the built-in in-cluster one."""

    name: str
    server: str
    labels: tuple[tuple[str, str], ...] = ()
    annotations: tuple[tuple[str, str], ...] = ()
    registered: bool = True
    location: Location | None = None

    @classmethod
    def of(cls, name: str, server: str, labels: Any, annotations: Any, location: Location | None = None) -> "ClusterTarget":
        """A registered cluster from its label and annotation maps (values that are not scalars are dropped)."""
        return cls(name, server, _pairs(labels), _pairs(annotations), True, location)

    @property
    def label_map(self) -> dict[str, str]:
        """The labels a selector sees: a registration is a Secret labelled as a cluster Secret (so is an
        argocd_cluster); the built-in in-cluster target has no Secret and no labels."""
        return {CLUSTER_SECRET_LABEL: "cluster", **dict(self.labels)} if self.registered else dict(self.labels)

    def params(self, values: dict | None = None) -> dict:
        return {
            "name": self.name,
            "nameNormalized": normalize(self.name),
            "server": self.server,
            "project": "",
            "metadata": {"labels": dict(self.labels), "annotations": dict(self.annotations)},
            "values": dict(values or {}),
        }


def _pairs(mapping: Any) -> tuple[tuple[str, str], ...]:
    items = mapping.items() if isinstance(mapping, dict) else ()
    return tuple(sorted((str(k), str(v)) for k, v in items if not isinstance(v, (dict, list))))


def normalize(name: str) -> str:
    """Argo CD's SanitizeName (nameNormalized, the `normalize` function): a DNS-1123 subdomain."""
    return re.sub(r"[^-a-z0-9.]", "-", name.lower())[:253].strip("-.")


@dataclass
class Generated:
    cluster: ClusterTarget | None  # None for list generators
    params: dict
    doc: Located  # the Application, locations in the ApplicationSet's template


@dataclass
class ExpansionProblem:
    kind: str  # missing-key | unsupported | matrix | no-match
    location: Location
    message: str
    cluster: str = ""


@dataclass
class Expansion:
    generated: list[Generated] = field(default_factory=list)
    problems: list[ExpansionProblem] = field(default_factory=list)
    selected_clusters: int = 0


def matches(selector: Any, labels: dict[str, str]) -> bool:
    if not isinstance(selector, dict):
        return True
    if not isinstance(selector.get("matchLabels") or {}, dict) or not isinstance(selector.get("matchExpressions") or [], list):
        return False
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expression in selector.get("matchExpressions") or []:
        key, operator, values = expression.get("key"), expression.get("operator"), expression.get("values") or []
        present = key in labels
        if operator == "In" and not (present and labels[key] in values):
            return False
        if operator == "NotIn" and present and labels[key] in values:
            return False
        if operator == "Exists" and not present:
            return False
        if operator == "DoesNotExist" and present:
            return False
    return True


def selector_is_empty(selector: Any) -> bool:
    return not isinstance(selector, dict) or not (selector.get("matchLabels") or selector.get("matchExpressions"))


def candidate_clusters(clusters: list[ClusterTarget]) -> list[ClusterTarget]:
    """Registered clusters plus the built-in in-cluster target when no Secret registers it."""
    found = list(clusters)
    if not any(c.server == IN_CLUSTER_SERVER for c in clusters):
        found.append(ClusterTarget(IN_CLUSTER_NAME, IN_CLUSTER_SERVER, registered=False))
    return found


Renderer = Callable[[list[tuple[str, dict]]], list[Any]]  # (template, params) -> text or an exception


def render_python(jobs: list[tuple[str, dict]]) -> list[Any]:
    out: list[Any] = []
    for template, params in jobs:
        try:
            out.append(gotemplate.render(template, params))
        except (gotemplate.TemplateError, gotemplate.Unsupported) as exc:
            out.append(exc)
    return out


def expand(appset: Located, clusters: list[ClusterTarget], renderer: Renderer = render_python) -> Expansion:
    """Generate the applications of one ApplicationSet. Template strings are rendered in one batch
    by `renderer` (otelstack's Go-template subset, or helm's engine)."""
    result = Expansion()
    spec = appset.get(("spec",)) or {}
    if not isinstance(spec, dict):
        return result
    if spec.get("templatePatch"):
        result.problems.append(ExpansionProblem("unsupported", appset.location(("spec", "templatePatch")),
                                                "cannot expand offline: templatePatch (a Go template producing a patch)"))
        return result
    go = spec.get("goTemplate") is True
    param_sets: list[tuple[ClusterTarget | None, dict]] = []
    generators = spec.get("generators") or []
    for index, generator in enumerate(generators if isinstance(generators, list) else []):
        param_sets += _generator(appset, ("spec", "generators", index), generator, clusters, result)
    template_path: Path = ("spec", "template")
    template = appset.get(template_path)
    if not isinstance(template, dict):
        return result
    fields = [(path, value) for path, value in _strings(template, ()) if "{{" in value]
    jobs = []
    for _, params in param_sets:
        for path, value in fields:
            missing = _missing_key(value, params) if go else None
            jobs.append((value, params, missing))
    if go:
        pending = [(value, params) for value, params, missing in jobs if missing is None]
        rendered = iter(renderer(pending))
        outputs = [missing if missing is not None else next(rendered) for _, _, missing in jobs]
    else:
        outputs = [_fasttemplate(value, params) for value, params, _ in jobs]
    # A field that reads a parameter known only at apply time (a list element from a Terraform
    # reference) is itself unknown: never the parameter's text spliced into a string.
    outputs = [Unknown(value) if not isinstance(output, Exception) and _reads_unknown(value, params, go) else output
               for (value, params, _), output in zip(jobs, outputs)]
    reported: set[tuple[Path, str]] = set()
    position = 0
    for cluster, params in param_sets:
        data = copy.deepcopy(template)
        for path, value in fields:
            output = outputs[position]
            position += 1
            if isinstance(output, gotemplate.TemplateError):
                name = cluster.name if cluster else "(list element)"
                result.problems.append(ExpansionProblem("missing-key", appset.location(template_path + path),
                                                        f"template fails for cluster {name}: {output}", name))
                output = Unknown(value)
            elif isinstance(output, gotemplate.Unsupported):
                if (path, output.construct) not in reported:
                    reported.add((path, output.construct))
                    result.problems.append(ExpansionProblem("unsupported", appset.location(template_path + path),
                                                            f"cannot expand offline: {output.construct}"))
                output = Unknown(value)
            _set(data, path, output)
        doc = appset.sub(template_path)
        doc.data = data
        result.generated.append(Generated(cluster, params, doc))
    return result


def _strings(value: Any, path: Path):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, path + (index,))
    elif isinstance(value, str):
        yield path, value


def _set(data: Any, path: Path, value: Any) -> None:
    for key in path[:-1]:
        data = data[key]
    data[path[-1]] = value


def _reads_unknown(template: str, params: dict, go: bool) -> bool:
    names = gotemplate.references(template) if go else [m.group(1) for m in _FLAT.finditer(template)]
    flat = None
    for name in names:
        node: Any = params
        for part in name.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        if node is None and not go:
            flat = flat if flat is not None else _flatten(params)
            node = flat.get(name)
        if is_unknown(node):
            return True
    return False


def _missing_key(template: str, params: dict) -> gotemplate.TemplateError | None:
    """missingkey=error, checked the same way for every engine (helm's own would print nothing)."""
    for reference in gotemplate.references(template):
        node: Any = params
        walked = ""
        for part in reference.split("."):
            walked += "." + part
            if not isinstance(node, dict) or part not in node:
                return gotemplate.TemplateError(f'map has no entry for key "{part}" ({walked})')
            node = node[part]
    return None


def _generator(appset: Located, path: Path, generator: Any, clusters: list[ClusterTarget], result: Expansion):
    if not isinstance(generator, dict) or not generator:
        return []
    kind = next(iter(generator))
    body = generator[kind]
    if is_unknown(body):
        result.problems.append(ExpansionProblem("unknown", appset.location(path), "the generator is not known before apply"))
        return []
    where = appset.key_location(path + (kind,))
    if kind == "clusters":
        body = body if isinstance(body, dict) else {}
        selector = body.get("selector")
        if is_unknown(selector) or (isinstance(selector, dict) and any(is_unknown(v) for v in selector.values())):
            # known only at apply time (a module's variable): nothing to expand, nothing to guess
            result.problems.append(ExpansionProblem("unknown", where, "the selector is not known before apply"))
            return []
        if body.get("template"):
            result.problems.append(ExpansionProblem("unsupported", where, "cannot expand offline: a generator-level template override"))
            return []
        if not clusters:
            # The clusters are registered outside this tree (another repository, a remote module): expanding
            # against a guess would invent parameters. Say so instead.
            result.problems.append(ExpansionProblem("unsupported", where, "not expanded: no cluster is registered in this tree "
                                                    "(cluster Secrets, argocd_cluster, the stack's clusters)"))
            return []
        pool = candidate_clusters(clusters)
        if not selector_is_empty(selector):
            pool = [c for c in pool if c.registered]  # a label selector never matches the unregistered in-cluster target
        chosen = [c for c in pool if matches(selector, c.label_map)]
        result.selected_clusters += len(chosen)
        if not chosen:
            result.problems.append(ExpansionProblem("no-match", appset.key_location(path + (kind, "selector")) if selector else where,
                                                    "the clusters generator selects no declared cluster"))
        return [(c, c.params(body.get("values"))) for c in chosen]
    if kind == "list":
        elements = body.get("elements") if isinstance(body, dict) else None
        if not isinstance(elements, list) or any(is_unknown(e) for e in elements):
            result.problems.append(ExpansionProblem("unsupported", where, "cannot expand offline: list elements that are not known before apply"))
            return []
        return [(None, dict(element)) for element in elements if isinstance(element, dict)]
    if kind == "matrix":
        children = body.get("generators") if isinstance(body, dict) else None
        if not isinstance(children, list) or len(children) != 2:
            count = len(children) if isinstance(children, list) else 0
            result.problems.append(ExpansionProblem("matrix", where, f"a matrix generator takes exactly two child generators, this one has {count}"))
            return []
        left = _generator(appset, path + (kind, "generators", 0), children[0], clusters, result)
        right = _generator(appset, path + (kind, "generators", 1), children[1], clusters, result)
        return [((a or b), {**pa, **pb}) for a, pa in left for b, pb in right]
    result.problems.append(ExpansionProblem("unsupported", where, f"cannot expand offline: the {kind} generator (it needs a live Argo CD)"))
    return []


_FLAT = re.compile(r"\{\{\s*([A-Za-z0-9_.\-/]+)\s*\}\}")


def _fasttemplate(value: str, params: dict) -> str:
    """goTemplate: false — the controller's plain `{{name}}` substitution of flattened parameters."""
    flat = _flatten(params)
    return _FLAT.sub(lambda m: str(flat.get(m.group(1), m.group(0))), value)


def _flatten(params: dict, prefix: str = "") -> dict:
    out = {}
    for key, value in params.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, name + "."))
        else:
            out[name] = value
    return out
