"""What every rule gets: the model, a few shared questions about it, and the schema store.

A rule module declares ID, SEVERITY (the default; the engine applies configuration), GROUP and
`check(ctx)`, a generator of Problems. Its docstring is its documentation: the first line is the
summary, then why it matters, with a problematic and a correct example.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Iterator

from otelstack import versions
from otelstack.source import Located, Location, is_unknown
from otelstack.validate.finding import Problem
from otelstack.validate.model import Application, AppSource, Platform


# Files Argo CD renders from a directory source (plain manifests and Jsonnet).
DEPLOYABLE = (".yaml", ".yml", ".json", ".jsonnet")


@dataclass
class Context:
    platform: Platform
    kubernetes_version: str
    _cache: dict = field(default_factory=dict)

    @cached_property
    def schemas(self):
        return _store(self.kubernetes_version)

    def load_problems(self, rule_id: str) -> Iterator[Problem]:
        for rule, problem in self.platform.load_problems:
            if rule == rule_id:
                yield problem

    # Chart sources ----------------------------------------------------------------------------
    def chart_sources(self, chart: str) -> list[tuple[Application, AppSource]]:
        """(application, source) pairs deploying a chart otelstack knows; indexed once per run."""
        index = self._cache.get("chart-sources")
        if index is None:
            index = {}
            for app in self.platform.applications:
                for source in app.sources:
                    if source.knowledge is not None:
                        index.setdefault(source.knowledge.name, []).append((app, source))
            self._cache["chart-sources"] = index
        return index.get(chart, [])

    def by_scope(self, key: str, items: list, scopes_of) -> dict[tuple[str, str], list]:
        """`items` grouped by each (cluster, environment) scope `scopes_of(item)` names; cached under `key`."""
        index = self._cache.get(("by-scope", key))
        if index is None:
            index = {}
            for item in items:
                for scope in scopes_of(item):
                    index.setdefault(scope, []).append(item)
            self._cache[("by-scope", key)] = index
        return index

    def unseen_content(self) -> list[tuple[Application, AppSource]]:
        """Directory sources whose content is not in the model: another repository's, one given only
        at apply time, or a folder of this repository that otelstack could not read (Jsonnet or
        Kustomize it does not render). Questions about "anything in the tree" cannot be answered then."""
        cached = self._cache.get("unseen-content")
        if cached is None:
            deploying = {id(app) for obj in self.platform.objects for app in obj.deployers}
            cached = []
            for app in self.platform.argocd_applications:
                for source in app.sources:
                    if source.is_helm_repo or source.ref is not None and source.path is None:
                        continue
                    if source.knowledge is not None:
                        continue  # a chart otelstack knows, from git: what it deploys is that chart
                    if is_unknown(source.path) or is_unknown(source.repo_url) or not self.platform.is_own_source(source) \
                            or id(app) not in deploying and not self._known_charts_only(source) or self._read_in_part(app, source):
                        cached.append((app, source))
            for app in self.platform.applications:  # helm_release of a chart otelstack does not render
                if app.engine != "helm":
                    continue
                for source in app.sources:
                    local = isinstance(source.chart, str) and source.chart.startswith((".", "/")) and id(app) not in deploying
                    if source.knowledge is None and (is_unknown(source.chart) or is_unknown(source.repo_url) or local):
                        cached.append((app, source))
            self._cache["unseen-content"] = cached
        return cached

    def _part_of_repository(self) -> str:
        """The PATHs are a part of a git repository: what the rest of it deploys (cert-manager, a
        namespace, a Secret) is not visible, so whole-tree conclusions are not drawn."""
        import os

        cached = self._cache.get("part-of-repository")
        if cached is not None:
            return cached
        top = os.path.abspath(self.platform.repository_top) if self.platform.repository_top else ""
        root = os.path.abspath(self.platform.root)
        note = ""
        if top and root != top and root.startswith(top + os.sep):
            outside = _deployable_outside(top, root)
            if outside:
                part = os.path.relpath(root, top).replace(os.sep, "/")
                note = (f"this run read {part}/ of its repository, not the rest of it ({outside} and more): validate from the "
                        "repository's top to see it all")
        self._cache["part-of-repository"] = note
        return note

    def _known_charts_only(self, source: AppSource) -> bool:
        """A folder holding a Helm chart without templates of its own, whose dependencies are all charts
        otelstack knows: what it deploys is those charts, which otelstack models."""
        import os

        import yaml

        from otelstack import charts

        if not isinstance(source.path, str):
            return False
        folder = self.platform.repo_path(source.path)
        answers = self._cache.setdefault("known-charts-only", {})  # a fleet asks once per application
        if folder not in answers:
            answers[folder] = False
            if not any(files for _, _, files in os.walk(os.path.join(folder, "templates"))):
                try:
                    with open(os.path.join(folder, "Chart.yaml"), encoding="utf-8") as handle:
                        chart = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
                except (OSError, yaml.YAMLError):
                    chart = None
                dependencies = chart.get("dependencies") if isinstance(chart, dict) else None
                names = {known.name for known in charts.all_charts()}
                answers[folder] = bool(dependencies) and all(isinstance(d, dict) and d.get("name") in names for d in dependencies)
        return answers[folder]

    def _library_note(self, near: str | None = None) -> str:
        """A Terraform module of the tree that its callers (not in the tree) complete: the one holding
        the file `near` when it is one, else the first."""
        import os

        from otelstack.validate.rules._terraform import library_module

        libraries = self._cache.get("library-modules")
        if libraries is None:
            libraries = self._cache["library-modules"] = {}
            for app in self.platform.applications:
                if app.origin == "terraform" and app.file.kind == "hcl":
                    directory = os.path.dirname(app.file.path)
                    if directory not in libraries and library_module(self, directory):
                        libraries[directory] = directory or os.path.basename(os.path.dirname(app.file.fs_path)) or "."
        if not libraries:
            return ""
        shown = libraries.get(os.path.dirname(near)) if near is not None else None
        return (f"module {shown or next(iter(libraries.values()))} is read on its own (nothing here calls it, and it configures "
                "no provider or backend): what its callers deploy beside it is not visible")

    def _read_in_part(self, app: Application, source: AppSource) -> bool:
        """A folder of this repository the application deploys, of which the run read only some files
        (PATHs naming a few files of it): what the rest holds is not visible."""
        import os

        if not isinstance(source.path, str):
            return False
        folder = self.platform.repo_path(source.path)
        read = self._cache.get("read-fs-paths")
        if read is None:
            read = self._cache["read-fs-paths"] = {f.fs_path for f in self.platform.files.values() if f.fs_path}
        recurse = app.get(*source.base, "directory", "recurse") is True
        for directory, dirnames, filenames in os.walk(folder):
            if any(name.endswith(DEPLOYABLE) and os.path.join(directory, name) not in read for name in filenames):
                return True
            if not recurse:
                break
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        return False

    def unseen_summary(self, about: str = "", near: str | None = None) -> str:
        """Why questions about the whole tree cannot be answered: an application whose content is not
        visible (preferably one whose name or path mentions `about`), and how many more, for a "not
        checked" message. Else the Terraform module read on its own (the one holding the file `near`)."""
        unseen = self.unseen_content()
        applied = self.platform.unseen_applied
        if not unseen and applied:
            # what names the thing asked about, else an add-on module (they install cluster-wide things)
            first = next((item for item in applied if about and about in item), None) or \
                next((item for item in applied if "module." in item), applied[0])
            more = f" (and {len(applied) - 1} more)" if len(applied) > 1 else ""
            return f"{first}{more}: what it applies is not visible here"
        if not unseen:
            return self._library_note(near) or self._part_of_repository()
        app, source = next(((a, s) for a, s in unseen if about and about in f"{a.label} {s.path}"), unseen[0])
        if app.engine == "helm":
            why = f"the chart {source.chart}"
        elif is_unknown(source.repo_url) or is_unknown(source.path):
            why = f"{source.path} of {source.repo_url}" if source.path is not None else f"{source.repo_url}"
        elif not self.platform.is_own_source(source):
            why = f"{source.path or '.'} of another repository ({source.repo_url})"
        elif self._read_in_part(app, source):
            why = f"{source.path}, of which this run read only part"
        else:
            why = f"{source.path or '.'}, which otelstack could not read"
        more = f" (and {len(unseen) + len(applied) - 1} more)" if len(unseen) + len(applied) > 1 else ""
        return f"application {app.label} deploys {why}{more}, content not visible here"

    def deploys(self, chart: str) -> bool:
        return chart in self.platform.stack_components or any(True for _ in self.chart_sources(chart))


_STORES: dict[str, Any] = {}


def _store(version: str):
    from otelstack.kubeschema import SchemaStore

    if version not in _STORES:
        _STORES[version] = SchemaStore(version)
    return _STORES[version]


def chart_version(source: AppSource) -> tuple[str | None, str]:
    """The chart version a source deploys and how we know: ("1.4.13", "pinned") for a Helm repo,
    ("1.3.0", "git tag v1.8.7") for a git path at a known tag, (None, reason) otherwise."""
    knowledge = source.knowledge
    revision = source.target_revision
    if not isinstance(revision, str) or not revision.strip():
        return None, "no target revision"
    if source.is_helm_repo:
        return (revision.strip(), "pinned") if versions.is_exact(revision) else (None, f"range {revision}")
    if knowledge is not None:
        found = knowledge.chart_for_git_ref(revision.strip())
        if found is not None:
            return found[0], f"git tag {revision.strip()}"
    return None, f"git revision {revision}"


def value_at(values: Located | None, *path: Any) -> Any:
    return values.get(path) if values is not None else None


def present(value: Any) -> bool:
    return value is not None and not is_unknown(value)


def where(app: Application, *path: Any) -> Location:
    return app.loc(*path)


REPOSITORY_DEPLOYABLE = DEPLOYABLE + (".tf",)  # what a repository applies: Argo CD's files and Terraform's


def _deployable_outside(top: str, root: str, budget: int = 20000) -> str:
    """A file of the repository outside `root` that could deploy something (repository-relative), or ""."""
    import os

    from otelstack.validate.loaders.discover import NOT_CONFIGURATION

    seen = 0
    for directory, dirnames, filenames in os.walk(top):
        dirnames[:] = [d for d in sorted(dirnames) if not d.startswith(".") and d not in NOT_CONFIGURATION
                       and os.path.join(directory, d) != root]
        for name in sorted(filenames):
            seen += 1
            if name.endswith(REPOSITORY_DEPLOYABLE) and not name.startswith("."):
                return os.path.relpath(os.path.join(directory, name), top).replace(os.sep, "/")
        if seen > budget:
            return ""
    return ""
