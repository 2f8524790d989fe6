"""Which files a run reads, which it does not and why.

Every file under the PATHs is either claimed by a carrier (the loader that reads it) or listed as
skipped with the reason: a CI gate that read nothing must not look green. Directories that are
hidden, generated or dependencies are listed once, not file by file.
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass, field

from otelstack.errors import UsageError

CONFIG_FILE = ".otelstack.yaml"
# Directories that are never platform configuration, with the reason shown in the report.
NOT_CONFIGURATION = {
    ".git": "git metadata",
    ".terraform": "Terraform's working directory (downloaded providers and modules)",
    "node_modules": "installed dependencies",
    ".venv": "a Python virtualenv", "venv": "a Python virtualenv",
    "__pycache__": "Python bytecode", ".pytest_cache": "a test cache", ".hypothesis": "a test cache",
    ".mypy_cache": "a tool cache", ".ruff_cache": "a tool cache", ".tools": "otelstack's tool folder",
    ".otelstack": "otelstack's logs",
    "build": "build output", "dist": "build output",
}


@dataclass(frozen=True)
class Input:
    fs_path: str  # absolute
    display: str  # unique in the run: relative to the common root of the PATHs
    carrier: str  # the carrier module that reads it


@dataclass(frozen=True)
class Skipped:
    file: str  # display path (a directory ends in "/")
    reason: str

    def to_json(self) -> dict:
        return {"file": self.file, "reason": self.reason}


@dataclass
class Discovery:
    root: str  # the common root of the PATHs: display paths and .otelstack.yaml are relative to it
    inputs: list[Input] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def exclude(self, patterns: list[str]) -> None:
        """Apply `exclude` from the configuration: those files are skipped, and say so."""
        if not patterns:
            return
        def matching(display: str) -> str | None:
            return next((p for p in patterns if fnmatch.fnmatch(display, p)), None)

        # The configuration's reason wins over any other: the user chose not to have these read.
        self.skipped = [Skipped(s.file, f"excluded by configuration ({hit})") if (hit := matching(s.file)) else s for s in self.skipped]
        kept = []
        for item in self.inputs:
            hit = matching(item.display)
            if hit is None:
                kept.append(item)
            else:
                self.skipped.append(Skipped(item.display, f"excluded by configuration ({hit})"))
        self.inputs = kept


def common_root(paths: list[str]) -> str:
    directories = [p if os.path.isdir(p) else os.path.dirname(p) for p in (os.path.abspath(p) for p in paths)]
    return os.path.commonpath(directories) if directories else os.getcwd()


def display_name(absolute: str, root: str) -> str:
    """`absolute` relative to `root`, with forward slashes."""
    prefix = root if root.endswith(os.sep) else root + os.sep
    rest = absolute[len(prefix):]
    if os.sep == "/" and absolute.startswith(prefix) and rest and not rest.startswith(".") and not rest.endswith("/") \
            and "/." not in rest and "//" not in rest:
        return rest  # plainly below root: relpath would give the same (it is slow, and a fleet has tens of thousands)
    return os.path.relpath(absolute, root).replace(os.sep, "/")


def discover(paths: list[str], carriers) -> Discovery:
    """Files to check under `paths`. `carriers` are the loader modules: each claims files by
    `claims(name)`, or whole directories by `claims_directory(path, filenames)` (a Helm chart, a
    kustomization)."""
    paths = paths or ["."]
    for given in paths:
        if not os.path.exists(given):
            raise UsageError(f"{given}: no such file or directory")
    # A file inside a folder a carrier reads whole (a Helm chart's template) stands for that folder:
    # the result must not depend on which of them the user names.
    paths = [enclosing_claim(os.path.abspath(p), carriers) or p if os.path.isfile(p) else _enclosing_chart(p, carriers) or p
             for p in paths]
    # A file beside a kustomization (a patch, a resource of it) is what that kustomization renders:
    # read the kustomization with it, as `kubectl kustomize` would, rather than the file on its own.
    paths += [k for p in paths if os.path.isfile(p) for k in _beside_kustomization(p, carriers) if k not in paths]
    root = common_root(paths)
    found = Discovery(root)
    seen: set[str] = set()
    folder_claimers = [c for c in carriers if getattr(c, "claims_directory", None)]
    by_name: dict[str, object] = {}  # a carrier claims a file by its name alone: asked once per name

    def add_file(full: str) -> None:
        if full in seen:
            return
        seen.add(full)
        display = display_name(full, root)
        name = os.path.basename(full)
        if name not in by_name:
            by_name[name] = next((c for c in carriers if c.claims(name)), None)
        carrier = by_name[name]
        if carrier is None:
            found.skipped.append(Skipped(display, unsupported_reason(name)))
        else:
            found.inputs.append(Input(full, display, carrier.NAME))

    for given in paths:
        absolute = os.path.abspath(given)
        if os.path.isfile(absolute):
            add_file(absolute)
            continue
        for directory, dirnames, filenames in os.walk(absolute):
            claimed = next((c for c in folder_claimers if c.claims_directory(directory, filenames)), None)
            if claimed is not None:
                if directory not in seen:
                    seen.add(directory)
                    found.inputs.append(Input(directory, display_name(directory, root) or ".", claimed.NAME))
                dirnames[:] = []
                continue
            kept = []
            for name in sorted(dirnames):
                reason = NOT_CONFIGURATION.get(name) or ("hidden directory" if name.startswith(".") else None)
                if reason:
                    found.skipped.append(Skipped(display_name(os.path.join(directory, name), root) + "/", reason))
                else:
                    kept.append(name)
            dirnames[:] = kept
            for name in sorted(filenames):
                if name == CONFIG_FILE:
                    continue  # otelstack's own settings, read by the engine
                add_file(os.path.join(directory, name))
    return found


def _beside_kustomization(path: str, carriers) -> list[str]:
    kustomize = next((c for c in carriers if c.NAME == "kustomize"), None)
    names = getattr(kustomize, "FILE_NAMES", ())
    if os.path.basename(path) in names:
        return []
    directory = os.path.dirname(os.path.abspath(path))
    return [os.path.join(directory, name) for name in names if os.path.isfile(os.path.join(directory, name))][:1]


CHART_PARTS = ("templates", "charts", "crds")  # folders of a chart that are nothing on their own


def _enclosing_chart(directory: str, carriers) -> str | None:
    """A folder inside a Helm chart (its `templates/`) stands for the chart: its templates are
    nothing until the chart renders them."""
    helm = [c for c in carriers if c.NAME == "helm-chart"]
    absolute = os.path.abspath(directory)
    try:
        if helm and helm[0].claims_directory(absolute, os.listdir(absolute)):
            return None  # the chart itself
    except OSError:
        return None
    chart = enclosing_claim(os.path.join(absolute, "."), helm)
    if chart is None:
        return None
    inside = os.path.relpath(absolute, chart).split(os.sep)[0]
    return chart if inside in CHART_PARTS else None


def enclosing_claim(path: str, carriers) -> str | None:
    """The nearest folder above `path` that a carrier claims whole, up to the repository's top."""
    directory = os.path.dirname(path)
    while True:
        try:
            names = os.listdir(directory)
        except OSError:
            return None
        if any(getattr(c, "claims_directory", None) and c.claims_directory(directory, names) for c in carriers):
            return directory
        parent = os.path.dirname(directory)
        if ".git" in names or parent == directory:
            return None
        directory = parent


def unsupported_reason(name: str) -> str:
    suffix = os.path.splitext(name)[1]
    if name.startswith("."):
        return "hidden file"
    if name.endswith((".tftest.hcl", ".tftest.json")):
        return "a Terraform test file: `terraform test` runs it"
    return f"unsupported file type ({suffix or 'no extension'})"
