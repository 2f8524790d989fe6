"""Local Helm charts (a folder with Chart.yaml). Their templates are Go templates, never read as YAML.

- An app-of-apps chart (templates that make Argo CD Applications or ApplicationSets) is rendered
  with `helm template`, as Argo CD renders it: with the chart's values and, when an application of
  the tree deploys the chart's folder, that application's release name, namespace, value files,
  values and parameters. What it renders joins the model like YAML objects, each located in its
  template (helm's `# Source:` comment; the line of the object's fields where the template shows it).
- A vendored copy of a chart otelstack knows (Beyla, the operator, ...) or an umbrella chart that
  depends on one: its values.yaml is that chart's values at that version (the copy's version, or
  the dependency's), checked like the values of a `helm install` of it.
- Any other chart is listed as skipped with the reason.
"""

from __future__ import annotations

import os
import re
import tempfile
from typing import Any

import yaml

from otelstack.errors import OtelstackError
from otelstack.source import Located, Location, shown
from otelstack.validate.loaders import rendered
from otelstack.validate.loaders.core import Loader
from otelstack.validate.loaders.discover import Input
from otelstack.validate.loaders.rendered import Deployer, add_object, deployers, is_kubernetes_object, source_file, tail
from otelstack.validate.model import Application, SourceFile
from otelstack.yamlsource import load_yaml

NAME = "helm-chart"
ORDER = 5
CHART_FILE = "Chart.yaml"
VALUES_FILE = "values.yaml"
ARGO_KINDS = re.compile(r"^\s*kind:\s*[\"']?(Application|ApplicationSet)[\"']?\s*$", re.M)
SOURCE_COMMENT = re.compile(r"^# Source: (\S+)\s*$", re.M)


def claims(name: str) -> bool:
    return False


def claims_directory(path: str, filenames: list[str]) -> bool:
    return CHART_FILE in filenames


def load(loader: Loader, item: Input) -> None:
    folder = item.fs_path
    display = loader.display(folder) if item.display != "." else "."
    chart_path = os.path.join(folder, CHART_FILE)
    chart_file = source_file(loader, chart_path, "yaml")
    loaded = load_yaml(chart_file.text, chart_file.path)
    for problem in loaded.problems:
        loader.problem("syntax-yaml", problem.location, problem.message)
    chart = loaded.documents[0] if loaded.documents and isinstance(loaded.documents[0].data, dict) else None
    if chart is None:
        loader.skip(display + "/", "a Helm chart whose Chart.yaml is not a mapping: not read")
        return
    before = (len(loader.platform.objects), len(loader.platform.applications))
    templates = _templates(folder)
    app_templates = [path for path, text in templates.items() if ARGO_KINDS.search(text) and "argoproj.io/" in text]
    known = _known_charts(loader, item, chart)
    if app_templates:
        _render_app_of_apps(loader, item, chart, display)
    elif known:
        if templates:
            loader.skip(display + "/templates/", f"templates of a copy of the {', '.join(known)} chart: not rendered (its values are checked)")
    else:
        what = "its templates are not Argo CD applications" if templates else "it has no templates"
        loader.skip(display + "/", f"a Helm chart ({what}): not rendered (helm lint checks a chart)")
    nothing = before == (len(loader.platform.objects), len(loader.platform.applications))
    if nothing and not any(p.location.file == chart_file.path for _, p in loader.platform.load_problems):
        del loader.platform.files[chart_file.path]  # read only to tell what the chart is: it is listed as not read


def _templates(folder: str) -> dict[str, str]:
    found = {}
    base = os.path.join(folder, "templates")
    for directory, _, names in os.walk(base):
        for name in sorted(names):
            path = os.path.join(directory, name)
            try:
                with open(path, encoding="utf-8", errors="replace") as handle:
                    found[path] = handle.read()
            except OSError:
                continue
    return found


# Vendored and umbrella charts ------------------------------------------------------------------

DEPLOYER_VALUES = ("valueFiles", "values", "valuesObject", "parameters", "fileParameters")


def _known_charts(loader: Loader, item: Input, chart: Located) -> list[str]:
    """The charts otelstack knows that this folder carries: a copy of one, or dependencies on them."""
    from otelstack import charts

    names = {known.name for known in charts.all_charts()}
    dependencies = [d for d in chart.get(("dependencies",)) or [] if isinstance(d, dict)]
    if chart.get(("name",)) not in names and not any(d.get("name") in names for d in dependencies):
        return []
    values_path = os.path.join(item.fs_path, VALUES_FILE)
    values_doc = None
    if os.path.isfile(values_path):
        values_file = source_file(loader, values_path, "yaml")
        loaded = load_yaml(values_file.text, values_file.path)
        for problem in loaded.problems:
            loader.problem("syntax-yaml", problem.location, f"in Helm values: {problem.message}")
        values_doc = loaded.documents[0] if loaded.documents and isinstance(loaded.documents[0].data, dict) else None
    found = []
    name = chart.get(("name",))
    wraps_itself = any(d.get("name") == name for d in dependencies)  # a wrapper named after the chart it depends on
    if name in names and not wraps_itself:  # a vendored copy: its own version is the chart version
        _add_chart_values(loader, item, chart, values_doc, (), name, None, chart.get(("version",)), ("version",))
        found.append(f"{name} {shown(chart.get(('version',)))}")
    for index, dependency in enumerate(chart.get(("dependencies",)) or []):
        if not isinstance(dependency, dict) or dependency.get("name") not in names:
            continue
        key = dependency.get("alias") or dependency["name"]
        _add_chart_values(loader, item, chart, values_doc, (key,), dependency["name"], dependency.get("repository"),
                          dependency.get("version"), ("dependencies", index, "version"))
        found.append(f"{dependency['name']} {shown(dependency.get('version'))}")
    return found


def _add_chart_values(loader: Loader, item: Input, chart: Located, values_doc: Located | None, key: tuple,
                      chart_name: str, repository: Any, version: Any, version_path: tuple) -> None:
    """The values a chart copy or an umbrella gives a known chart, as a Helm deployment of it."""
    for target in rendered.deployers(loader, item.fs_path) or [None]:
        _add_chart_deployment(loader, item, chart, values_doc, key, chart_name, repository, version, version_path, target)


def _add_chart_deployment(loader: Loader, item: Input, chart: Located, values_doc: Located | None, key: tuple, chart_name: str,
                          repository: Any, version: Any, version_path: tuple, target: "rendered.Deployer | None") -> None:
    """One deployment of the known chart: as an application of the tree installs the folder (its
    release name, which a dependency's resources are named after, and its destination), or as it stands."""
    source: dict[str, Any] = {"repoURL": repository, "chart": chart_name, "targetRevision": version}
    destination: dict[str, Any] = {}
    name = chart_name
    if target is not None:
        destination = dict(target.app.get("spec", "destination") or {})
        release = target.app.get(*target.source.base, "helm", "releaseName")
        name = target.app.name if isinstance(target.app.name, str) else chart_name
        source["helm"] = {"releaseName": release if isinstance(release, str) and release else name}
    doc = Located({"metadata": {"name": name}, "spec": {"destination": destination, "sources": [source]}}, chart.file)
    base = ("spec", "sources", 0)
    doc.locations.update({(): chart.location(), base: chart.location(version_path[:-1] or ()),
                          base + ("targetRevision",): chart.location(version_path), base + ("chart",): chart.location(version_path[:-1] + ("name",))})
    values = values_doc.sub(key) if values_doc is not None and isinstance(values_doc.get(key), dict) else None
    file: SourceFile = loader.platform.files[chart.file]
    if values is not None:
        source.setdefault("helm", {})["valuesObject"] = values.data
        doc.graft(base + ("helm", "valuesObject"), values)
        file = loader.platform.files[values.file]
    app = Application(name, doc, "helm-chart", file, address=f"chart {item.display}", engine="helm")
    loader.add_application(app)
    if target is not None and any(target.app.get(*target.source.base, "helm", given) for given in DEPLOYER_VALUES):
        for app_source in app.sources:
            app_source.values_unknown = True  # the installing application's own values come on top: not merged here


# App-of-apps charts ------------------------------------------------------------------------------


def _render_app_of_apps(loader: Loader, item: Input, chart: Located, display: str) -> None:
    folder = item.fs_path
    helm = rendered.tool("helm")
    if helm is None:
        loader.skip(display + "/", "a Helm chart of Argo CD applications: helm is not installed (make setup puts it in .tools/bin): not rendered")
        return
    missing = _missing_dependencies(folder, chart)
    if missing:
        loader.skip(display + "/", f"a Helm chart of Argo CD applications: its dependency {missing} is not vendored in charts/ "
                    "(helm dependency build downloads it): not rendered offline")
        return
    apps = deployers(loader, folder)
    for deployer in apps or [None]:
        with tempfile.TemporaryDirectory(prefix="otelstack-helm-") as scratch:
            args = _arguments(loader, deployer, folder, scratch) if deployer else []
            if isinstance(args, str):
                loader.skip(display + "/", args)
                continue
            _render(loader, item, display, helm, args, deployer)


def _missing_dependencies(folder: str, chart: Located) -> str:
    for dependency in chart.get(("dependencies",)) or []:
        if not isinstance(dependency, dict) or not isinstance(dependency.get("name"), str):
            continue
        name = dependency["name"]
        charts_dir = os.path.join(folder, "charts")
        present = os.path.isfile(os.path.join(charts_dir, name, CHART_FILE)) or (
            os.path.isdir(charts_dir) and any(f.startswith(f"{name}-") and f.endswith(".tgz") for f in os.listdir(charts_dir)))
        if not present:
            return f"{name} {dependency.get('version') or ''}".strip()
    return ""


def _arguments(loader: Loader, deployer: Deployer, folder: str, scratch: str) -> list[str] | str:
    """`helm template` arguments for an application that deploys the chart, as Argo CD builds them."""
    helm = deployer.option("helm")
    helm = helm if isinstance(helm, dict) else {}
    unknown = rendered.unknown_inside(helm)
    release = helm.get("releaseName") or deployer.app.name
    namespace = helm.get("namespace") or deployer.app.destination_namespace
    if unknown is not None or not isinstance(release, str) or not isinstance(namespace, (str, type(None))):
        return f"{deployer.label} renders it with values known only at apply time ({shown(unknown or release)}): not rendered"
    args = ["--name-template", release] + (["--namespace", namespace] if namespace else [])
    for entry in helm.get("valueFiles") or []:
        path = _value_file(loader, deployer, folder, entry)
        if path is None or not os.path.isfile(path):
            if helm.get("ignoreMissingValueFiles") is True:
                continue
            return f"{deployer.label} uses the values file {shown(entry)}, which is not in the tree: not rendered"
        args += ["--values", path]
    values = helm.get("valuesObject") if helm.get("valuesObject") is not None else helm.get("values")
    if values is not None:
        path = os.path.join(scratch, "values.yaml")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(values if isinstance(values, str) else yaml.safe_dump(values))
        args += ["--values", path]
    for parameter in helm.get("parameters") or []:
        if isinstance(parameter, dict) and isinstance(parameter.get("name"), str):
            flag = "--set-string" if parameter.get("forceString") is True else "--set"
            args += [flag, f"{parameter['name']}={parameter.get('value', '')}"]
    for parameter in helm.get("fileParameters") or []:
        if isinstance(parameter, dict) and isinstance(parameter.get("name"), str) and isinstance(parameter.get("path"), str):
            args += ["--set-file", f"{parameter['name']}={os.path.join(folder, parameter['path'])}"]
    return args


def _value_file(loader: Loader, deployer: Deployer, folder: str, entry: Any) -> str | None:
    if not isinstance(entry, str):
        return None
    if entry.startswith("$"):
        ref, _, relative = entry[1:].partition("/")
        holder = next((s for s in deployer.app.sources if s.ref == ref), None)
        if holder is None or not loader.platform.is_own_source(holder, deployer.app):
            return None
        return loader.repository_path(deployer.app, relative)
    return os.path.normpath(os.path.join(folder, entry))


def _render(loader: Loader, item: Input, display: str, helm: str, args: list[str], deployer: Deployer | None) -> None:
    from otelstack.external import CommandFailed

    argv = [helm, "template", item.fs_path, *args, "--include-crds"]
    try:
        result = rendered.runner().run(argv, check=False, timeout=rendered.ENGINE_TIMEOUT)
    except (CommandFailed, OtelstackError) as exc:
        loader.skip(display + "/", f"helm template did not finish: {tail(exc.message)}")
        return
    if not result.ok:
        lines = [line for line in (result.stderr or result.stdout).splitlines() if "--debug flag" not in line]
        message = tail("\n".join(lines)).replace(item.fs_path + os.sep, "").removeprefix("Error: ")
        if deployer is None:
            # without an application of the tree, its real values come from elsewhere: not a promise
            loader.skip(display + "/", f"helm template fails with the chart's own values ({message}); no application in the tree deploys it: not rendered")
        else:
            loader.problem("render-failed", deployer.where(), f"helm template of {display} fails for {deployer.label}: {message}",
                           "Argo CD fails to render it the same way")
            loader.skip(display + "/", "helm template failed (see the render-failed finding)")
        return
    for path in (os.path.join(item.fs_path, CHART_FILE), os.path.join(item.fs_path, VALUES_FILE), *_templates(item.fs_path)):
        if os.path.isfile(path):
            source_file(loader, path, "helm-template" if os.sep + "templates" + os.sep in path else "yaml")
    _add_output(loader, item, result.stdout)


def _add_output(loader: Loader, item: Input, output: str) -> None:
    counts: dict[tuple[str, Any], int] = {}
    for chunk in re.split(r"^---\s*$", output, flags=re.M):
        source = SOURCE_COMMENT.search(chunk)
        try:
            data = yaml.load(chunk, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except yaml.YAMLError as exc:
            where = source.group(1) if source else "its output"
            loader.skip(item.display, f"helm template printed {where} as invalid YAML ({str(exc).splitlines()[0]}): not checked")
            continue
        if not is_kubernetes_object(data):
            continue
        # `# Source: <chart name>/templates/x.yaml`: the chart name is the folder's, whatever the folder is called
        template = os.path.join(item.fs_path, source.group(1).split("/", 1)[1]) if source and "/" in source.group(1) else ""
        if not os.path.isfile(template):
            template = os.path.join(item.fs_path, CHART_FILE)
        file = source_file(loader, template, "helm-template")
        occurrence = counts[(template, data.get("kind"))] = counts.get((template, data.get("kind")), -1) + 1
        origin, index = _template_document(loader, file, data.get("kind"), occurrence)
        loader.guard(origin.location() if origin else Location(file.path), f"reading the output of {item.display}",
                     add_object, loader, file, index, data, origin, item.fs_path)


def _template_document(loader: Loader, file: SourceFile, kind: Any, occurrence: int) -> tuple[Located | None, int]:
    """The template's document an object comes from, with the location of each field it writes:
    the template with its actions blanked out is YAML in the same lines and columns."""
    cache = loader.state.setdefault(NAME, {})
    if file.path not in cache:
        cache[file.path] = load_yaml(neutralize(file.text), file.path).documents
    documents = cache[file.path]
    same = [(i, d) for i, d in enumerate(documents) if isinstance(d.data, dict) and d.data.get("kind") == kind]
    if not same:
        first = next((n for n, line in enumerate(file.lines, 1) if line.strip() and not line.strip().startswith(("{{", "#"))), 1)
        return Located({}, file.path, {(): Location(file.path, first)}), 0
    index, doc = same[occurrence] if occurrence < len(same) else same[0]
    return doc, index


ACTION = re.compile(r"\{\{.*?\}\}", re.S)


def neutralize(text: str) -> str:
    """A Helm template as YAML with the same layout: a line that is only actions becomes empty, an
    action inside a line becomes a placeholder of the same length."""
    out = ACTION.sub(lambda m: re.sub(r"[^\n]", "_", m.group(0)), text)
    return "\n".join("" if line.strip() and not line.strip("_ \t") else line for line in out.split("\n"))
