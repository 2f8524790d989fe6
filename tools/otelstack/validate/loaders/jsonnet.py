"""Jsonnet (`*.jsonnet`), evaluated as Argo CD evaluates a directory source: with the top-level
arguments, external variables and library folders of the application in the tree whose source is
the file's folder (`source.directory.jsonnet`, values through Argo CD's build environment:
`$ARGOCD_APP_NAME`, `$ARGOCD_APP_NAMESPACE`, ...), or with none when no application deploys it.
Imports resolve beside the importing file, then in the application's folder and its `libs`
(relative to the repository root), as in Argo CD.

The engine is go-jsonnet (PyPI `gojsonnet`), the implementation Argo CD embeds, or else the C++
`jsonnet` package; imported only when a tree has Jsonnet. An entry file that
needs something not in the tree (a top-level argument or external variable nobody gives, an import
that is not here, a build variable only known at sync) is listed as skipped with the reason;
a file that does not parse, or that fails for the application that deploys it, is a
`render-failed` finding, as Argo CD fails it.

Jsonnet reports no positions for its output: a value or key written exactly once in the files
of the evaluation (the entry, its imports, YAML it imports with `importstr`) is located there;
anything else takes its nearest located ancestor, else the entry file.
"""

from __future__ import annotations

import bisect
import fnmatch
import json
import os
import re
from dataclasses import dataclass, field
from typing import Any

from otelstack.source import Location, Path, is_unknown, shown, walk
from otelstack.validate.loaders.core import Loader
from otelstack.validate.loaders.discover import Input
from otelstack.validate.loaders.rendered import Deployer, add_object, deployers, is_kubernetes_object, source_file

NAME = "jsonnet"
ORDER = 6  # after the carriers that hold Argo CD applications, whose options it renders with
SUFFIX = ".jsonnet"
LIBRARY_SUFFIX = ".libsonnet"
# Argo CD's build environment (reposerver newEnv): what an application states, and what only a sync knows.
SYNC_ONLY = ("ARGOCD_APP_REVISION", "ARGOCD_APP_REVISION_SHORT", "ARGOCD_APP_REVISION_SHORT_8")


def claims(name: str) -> bool:
    return name.endswith(SUFFIX)


@dataclass
class JsonnetState:
    imported: dict[str, str] = field(default_factory=dict)  # library fs path -> display of an entry that imported it
    unrendered: dict[str, str] = field(default_factory=dict)  # library fs path -> entry that imported it but was not rendered
    literals: dict[str, dict[str, list[Location]]] = field(default_factory=dict)  # file -> where each literal is written


def state(loader: Loader) -> JsonnetState:
    return loader.state.setdefault(NAME, JsonnetState())


class NotKnown(Exception):
    """An input of the evaluation that otelstack cannot know: the entry is skipped with this reason."""


@dataclass(frozen=True)
class Variant:
    """One way the entry is evaluated: Argo CD's inputs for it, from one application (or none)."""

    tla_vars: tuple[tuple[str, str], ...] = ()
    tla_codes: tuple[tuple[str, str], ...] = ()
    ext_vars: tuple[tuple[str, str], ...] = ()
    ext_codes: tuple[tuple[str, str], ...] = ()
    jpaths: tuple[str, ...] = ()
    deployer: Deployer | None = field(default=None, compare=False)


def load(loader: Loader, item: Input) -> None:
    engine = _engine()
    if engine is None:
        loader.skip(item.display, "Jsonnet: no Jsonnet engine is installed (pip install gojsonnet)")
        return
    text = loader.read(item, "render-failed")
    if text is None:
        return
    entry = source_file(loader, item.fs_path, "jsonnet", text)
    folder = os.path.dirname(item.fs_path)
    apps = [d for d in deployers(loader, folder, recurse_from_above=True) if _selected(d, item.fs_path)]
    variants: list[Variant] = []
    for deployer in apps:
        try:
            variants.append(_variant(loader, deployer))
        except NotKnown as reason:
            loader.skip(item.display, f"Jsonnet not rendered for {deployer.label}: {reason}")
    if not apps:
        variants.append(Variant(jpaths=(folder,)))
    results = [_evaluate(loader, engine, item, entry, variant) for variant in dict.fromkeys(variants)]  # one run per distinct inputs
    has_problem = any(problem.location.file == entry.path for _, problem in loader.platform.load_problems)
    if not any(results) and not has_problem:
        del loader.platform.files[entry.path]  # listed as skipped instead: nothing of it was checked


def _engine():
    try:
        import _gojsonnet as engine  # ~0.1 ms a file
    except ImportError:
        try:
            import _jsonnet as engine  # the C++ implementation: ~100 ms a file (it parses its std library each time)
        except ImportError:
            return None
    return engine


def _selected(deployer: Deployer, fs_path: str) -> bool:
    """Argo CD's `directory.include`/`exclude` globs, matched against the path below the app's folder."""
    relative = os.path.relpath(fs_path, deployer.folder).replace(os.sep, "/")
    include, exclude = deployer.option("directory", "include"), deployer.option("directory", "exclude")
    if isinstance(exclude, str) and exclude and _glob(exclude, relative):
        return False
    return not (isinstance(include, str) and include and not _glob(include, relative))


def _glob(pattern: str, text: str) -> bool:
    """Argo CD's globs: `*` also crosses `/`, `{a,b}` are alternatives."""
    braces = re.search(r"\{([^{}]*)\}", pattern)
    if braces:
        return any(_glob(pattern[: braces.start()] + choice + pattern[braces.end():], text) for choice in braces.group(1).split(","))
    return fnmatch.fnmatchcase(text, pattern)


def _variant(loader: Loader, deployer: Deployer) -> Variant:
    jsonnet = deployer.option("directory", "jsonnet")
    jsonnet = jsonnet if isinstance(jsonnet, dict) else {}
    build_env = _build_env(deployer)
    parts: dict[str, list[tuple[str, str]]] = {"tla_vars": [], "tla_codes": [], "ext_vars": [], "ext_codes": []}
    for key, kind in (("tlas", "tla"), ("extVars", "ext")):
        entries = jsonnet.get(key) or []
        if is_unknown(entries) or not isinstance(entries, list):
            raise NotKnown(f"directory.jsonnet.{key} is {shown(entries)}")
        for entry in entries:
            name, value, code = (entry.get("name"), entry.get("value"), entry.get("code")) if isinstance(entry, dict) else (None, None, None)
            if not isinstance(name, str) or not isinstance(value, (str, int, float, bool)) or is_unknown(code):
                raise NotKnown(f"directory.jsonnet.{key} entry {shown(name)} has the value {shown(value)}")
            value = _envsubst(str(value).lower() if isinstance(value, bool) else str(value), build_env, f"{key} {name}")
            parts[f"{kind}_codes" if code is True else f"{kind}_vars"].append((name, value))
    libs = jsonnet.get("libs") or []
    if not isinstance(libs, list) or not all(isinstance(lib, str) for lib in libs):
        raise NotKnown(f"directory.jsonnet.libs is {shown(libs)}")
    jpaths = (deployer.folder, *(loader.platform.repo_path(lib) for lib in libs))
    return Variant(**{k: tuple(v) for k, v in parts.items()}, jpaths=jpaths, deployer=deployer)


def _build_env(deployer: Deployer) -> dict[str, Any]:
    app, source = deployer.app, deployer.source
    return {
        "ARGOCD_APP_NAME": app.name, "ARGOCD_APP_NAMESPACE": app.destination_namespace,
        "ARGOCD_APP_PROJECT_NAME": app.get("spec", "project", default="default"),
        "ARGOCD_APP_SOURCE_REPO_URL": source.repo_url, "ARGOCD_APP_SOURCE_PATH": source.path,
        "ARGOCD_APP_SOURCE_TARGET_REVISION": source.target_revision,
    }


def _envsubst(text: str, env: dict[str, Any], what: str) -> str:
    """Argo CD's Envsubst (Go os.Expand): `$NAME`/`${NAME}` from the build environment, `$$` is `$`,
    any other name is empty. A variable only a sync knows leaves the value unknown."""

    def value(match: re.Match) -> str:
        name = match.group(1) or match.group(2) or ""
        if match.group(0) == "$$":
            return "$"
        if name in SYNC_ONLY:
            raise NotKnown(f"{what} uses ${name}, known only when Argo CD syncs")
        found = env.get(name, "")
        if not isinstance(found, str):
            raise NotKnown(f"{what} uses ${name}, which is {shown(found)}" if found is not None else f"{what} uses ${name}, which is unset")
        return found

    return re.sub(r"\$\$|\$\{([^}]*)\}|\$([A-Za-z0-9_]+)", value, text)


def _evaluate(loader: Loader, engine, item: Input, entry, variant: Variant) -> bool:
    """Evaluate once; True when it gave objects to check."""
    imports: list[str] = []

    def importer(base: str, relative: str) -> tuple[str, bytes]:
        candidates = [relative] if os.path.isabs(relative) else [os.path.join(base or os.path.dirname(item.fs_path), relative)]
        candidates += [os.path.join(jpath, relative) for jpath in variant.jpaths if not os.path.isabs(relative)]
        for candidate in candidates:
            if os.path.isfile(candidate):
                full = os.path.normpath(candidate)
                imports.append(full)
                with open(full, "rb") as handle:
                    return full, handle.read()
        raise RuntimeError(f"couldn't open import \"{relative}\": not in the tree")

    try:
        output = engine.evaluate_file(
            item.fs_path, import_callback=importer,
            tla_vars=dict(variant.tla_vars), tla_codes=dict(variant.tla_codes),
            ext_vars=dict(variant.ext_vars), ext_codes=dict(variant.ext_codes),
        )
    except RuntimeError as exc:
        _failed(loader, item, variant, str(exc), imports)
        return False
    tracked = state(loader)
    for path in imports:
        tracked.imported.setdefault(path, item.display)
    values = json.loads(output)
    documents = values if isinstance(values, list) else [values]
    objects = [(i, d) for i, d in enumerate(documents) if is_kubernetes_object(d)]
    where = f" for {variant.deployer.label}" if variant.deployer else ""
    if len(objects) < len(documents):
        loader.skip(item.display, f"Jsonnet{where}: {len(documents) - len(objects)} of its {len(documents)} values are not Kubernetes objects: not checked")
    if not objects:
        return False
    index = LiteralIndex(loader, [item.fs_path, *dict.fromkeys(imports)])
    folder = variant.deployer.folder if variant.deployer else os.path.dirname(item.fs_path)
    for position, data in objects:
        locations = index.locate(data)
        locations.setdefault((), locations.get(("kind",), Location(entry.path)))
        loader.guard(locations[()], f"reading {item.display}", add_object, loader, entry, position, data, None, folder, locations)
    return True


IMPORT = re.compile(r"\bimport(?:str|bin)?\s*(?:'([^'\n]+)'|\"([^\"\n]+)\")")


def _written_imports(path: str, jpaths: tuple[str, ...], seen: set[str]) -> None:
    """The files an entry imports as written (evaluation is lazy: a failed one did not reach them all)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            text = handle.read()
    except OSError:
        return
    for match in IMPORT.finditer(text):
        relative = match.group(1) or match.group(2)
        for base in (os.path.dirname(path), *jpaths):
            candidate = os.path.normpath(os.path.join(base, relative))
            if os.path.isfile(candidate):
                if candidate not in seen:
                    seen.add(candidate)
                    if candidate.endswith(LIBRARY_SUFFIX):
                        _written_imports(candidate, jpaths, seen)
                break


def _failed(loader: Loader, item: Input, variant: Variant, message: str, imports: list[str]) -> None:
    tracked = state(loader)
    written: set[str] = set(imports)
    _written_imports(item.fs_path, variant.jpaths, written)
    for path in sorted(written):
        tracked.unrendered.setdefault(path, item.display)
    first = message.strip().splitlines()[0] if message.strip() else "evaluation failed"
    # the messages of go-jsonnet and of the C++ implementation
    missing = re.search(r"function parameter (\S+) not bound|Missing argument: (\S+)|ndefined external variable: (\S+)"
                        r"|couldn't open import \"([^\"]+)\"", first)
    given_by = f"{variant.deployer.label} does not give it" if variant.deployer else "no application in the tree deploys its folder"
    if missing and (missing.group(1) or missing.group(2)):
        loader.skip(item.display, f"Jsonnet: needs the top-level argument {missing.group(1) or missing.group(2)} ({given_by}): not rendered")
    elif missing and missing.group(3):
        loader.skip(item.display, f"Jsonnet: needs the external variable {missing.group(3)} ({given_by}): not rendered")
    elif missing:
        loader.skip(item.display, f"Jsonnet: imports {missing.group(4)}, which is not in the tree (a vendored library?): not rendered")
    elif not first.startswith("RUNTIME ERROR") or variant.deployer is not None:
        # A file that does not parse fails whoever renders it; a runtime error fails the application that renders it.
        location, text = Location(item.display), re.sub(r"^(STATIC|RUNTIME) ERROR: ", "", first)
        at = re.search(r"(/[^\s:]+):(\d+):(\d+)(?:-\d+)?:?\s*", message)
        if at and os.path.isfile(at.group(1)):
            location = Location(source_file(loader, at.group(1), "jsonnet").path, int(at.group(2)), int(at.group(3)))
            text = text.replace(at.group(0), "").replace(at.group(1), location.file)
        consequence = f"Argo CD fails to render it for {variant.deployer.label}" if variant.deployer else "Argo CD fails to render it"
        loader.problem("render-failed", location, f"Jsonnet: {text}", consequence)
    else:
        loader.skip(item.display, f"Jsonnet: {first} (no application in the tree deploys its folder, so its inputs are unknown): not rendered")


# Locations --------------------------------------------------------------------------------------

_TOKENS = re.compile(
    r"//[^\n]*|#[^\n]*|/\*.*?\*/"  # comments
    r"|@?'((?:[^'\\\n]|\\.)*)'|@?\"((?:[^\"\\\n]|\\.)*)\""  # strings
    r"|\b([A-Za-z_][A-Za-z0-9_]*)\s*\+?:{1,3}(?!:)",  # field names
    re.S,
)


class LiteralIndex:
    """Where each string literal and field name is written in the files of one evaluation."""

    def __init__(self, loader: Loader, paths: list[str]) -> None:
        self.places: dict[str, list[Location]] = {}
        for path in paths:
            for text, places in _literals(loader, path).items():
                self.places.setdefault(text, []).extend(places)

    def locate(self, data: Any) -> dict[Path, Location]:
        found: dict[Path, Location] = {}
        for path, value in walk(data):
            if path and isinstance(path[-1], str):
                places = self.places.get(path[-1])
                if places is not None and len(places) == 1:
                    found[path] = places[0]
            if isinstance(value, str):
                places = self.places.get(value)
                if places is not None and len(places) == 1:
                    found[path] = places[0]
        return found


def _literals(loader: Loader, path: str) -> dict[str, list[Location]]:
    """The literals of one file, read once per run (an entry's libraries are shared)."""
    cache = state(loader).literals
    if path in cache:
        return cache[path]
    found: dict[str, list[Location]] = {}
    cache[path] = found
    if not os.path.isfile(path):
        return found
    jsonnet_file = path.endswith((SUFFIX, LIBRARY_SUFFIX))
    file = source_file(loader, path, "jsonnet" if jsonnet_file else "yaml")
    if jsonnet_file:
        starts = [0] + [m.end() for m in re.finditer("\n", file.text)]
        for match in _TOKENS.finditer(file.text):
            group = next((g for g in (1, 2, 3) if match.group(g) is not None), 0)
            if not group:
                continue  # a comment
            offset = match.start(group)
            line = bisect.bisect_right(starts, offset)
            column = offset - starts[line - 1] + 1
            text = match.group(group) if group == 3 else re.sub(r"\\(.)", r"\1", match.group(group))
            found.setdefault(text, []).append(Location(file.path, line, column, line, column + len(match.group(group))))
    else:  # YAML the Jsonnet imports with importstr
        from otelstack.yamlsource import load_yaml

        for doc in load_yaml(file.text, file.path).documents:
            for value_path, value in walk(doc.data):
                if isinstance(value, str):
                    found.setdefault(value, []).append(doc.locations.get(value_path, Location(file.path)))
            for key_path, location in doc.key_locations.items():
                if isinstance(key_path[-1], str):
                    found.setdefault(key_path[-1], []).append(location)
    return found
