"""Terraform settings the model does not carry: the argocd provider's version constraints
(`terraform { required_providers { argocd = {...} } }`) and the raw `argocd_cluster` blocks.

Only files that mention them are parsed again (the model keeps applications, not these), once
per run.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any

from otelstack.source import Located, Location
from otelstack.validate.rules.base import Context

PROVIDER_SOURCES = ("argoproj-labs/argocd", "oboukili/argocd")


@dataclass(frozen=True)
class ProviderRequirement:
    constraint: str
    location: Location
    directory: str  # the module directory (relative path of the file's folder)


@dataclass(frozen=True)
class RawResource:
    type: str
    name: str
    doc: Located
    directory: str

    @property
    def address(self) -> str:
        return f"{self.type}.{self.name}"


MENTIONS = ("required_providers", "argocd_cluster", 'provider "argocd"')


@dataclass(frozen=True)
class _Sibling:
    """A .tf file of a module directory that was not named: Terraform's unit is the directory, so
    its settings (a `terraform` block in versions.tf) bind the files that were."""
    path: str
    fs_path: str
    text: str


def _parsed(ctx: Context) -> list[tuple[Any, Any]]:
    if "tf-reparsed" not in ctx._cache:
        import glob

        from otelstack.hcl import load_hcl

        found = []
        named = [f for f in ctx.platform.files.values() if f.kind == "hcl"]
        seen = {f.fs_path for f in named if f.fs_path}
        siblings = []
        for directory in sorted({os.path.dirname(f.fs_path) for f in named if f.fs_path}):
            for fs_path in sorted(glob.glob(os.path.join(glob.escape(directory), "*.tf"))):
                if fs_path not in seen:
                    try:
                        with open(fs_path, encoding="utf-8") as handle:
                            text = handle.read()
                    except (OSError, UnicodeDecodeError):
                        continue
                    siblings.append(_Sibling(os.path.relpath(fs_path, ctx.platform.root).replace(os.sep, "/"), fs_path, text))
        for file in [*named, *siblings]:
            if any(mention in file.text for mention in MENTIONS):
                found.append((file, load_hcl(file.text, file.path, file.fs_path)))
        ctx._cache["tf-reparsed"] = found
    return ctx._cache["tf-reparsed"]


def provider_requirements(ctx: Context) -> list[ProviderRequirement]:
    if "tf-provider-requirements" not in ctx._cache:
        found = []
        for file, parsed in _parsed(ctx):
            for block in parsed.blocks:
                if block.type != "terraform":
                    continue
                for index, providers in enumerate(block.doc.data.get("required_providers") or []):
                    if not isinstance(providers, dict):
                        continue
                    for local, spec in providers.items():
                        if not isinstance(spec, dict):
                            continue
                        source = str(spec.get("source", "")).lower()
                        if not (source.endswith(PROVIDER_SOURCES) or (not source and local == "argocd")):
                            continue
                        version = spec.get("version")
                        if isinstance(version, str) and version.strip():
                            loc = block.doc.location(("required_providers", index, local, "version"))
                            found.append(ProviderRequirement(version.strip(), loc, os.path.dirname(file.path)))
        ctx._cache["tf-provider-requirements"] = found
    return ctx._cache["tf-provider-requirements"]


def requirements_for(ctx: Context, file_path: str) -> list[ProviderRequirement]:
    """The constraints that bind the module a resource is declared in: its own and those of every
    module of the tree that calls it (Terraform admits only versions all of them admit)."""
    directories = module_and_callers(ctx, os.path.dirname(file_path))
    return [r for r in provider_requirements(ctx) if r.directory in directories]


def module_and_callers(ctx: Context, directory: str) -> set[str]:
    found, pending = {directory}, [directory]
    while pending:
        for caller in ctx.platform.terraform_callers.get(pending.pop(), ()):
            if caller not in found:
                found.add(caller)
                pending.append(caller)
    return found


def locked_version(ctx: Context, directories: set[str]) -> str | None:
    """The argocd provider version a `.terraform.lock.hcl` of these modules records."""
    for directory in sorted(directories):
        for source, version in ctx.platform.terraform_locks.get(directory, {}).items():
            if source.endswith(PROVIDER_SOURCES):
                return version
    return None


def configures_provider(ctx: Context, directory: str) -> bool:
    """A root module: it configures the argocd provider itself (`provider "argocd" {}`)."""
    if "tf-provider-blocks" not in ctx._cache:
        ctx._cache["tf-provider-blocks"] = {os.path.dirname(file.path) for file, parsed in _parsed(ctx)
                                            for b in parsed.blocks if b.type == "provider" and b.labels[:1] == ["argocd"]}
    return directory in ctx._cache["tf-provider-blocks"]


def cluster_resources(ctx: Context) -> list[RawResource]:
    if "tf-clusters" not in ctx._cache:
        ctx._cache["tf-clusters"] = [RawResource(b.labels[0], b.labels[1], b.doc, os.path.dirname(file.path))
                                     for file, parsed in _parsed(ctx) if not isinstance(file, _Sibling) for b in parsed.blocks
                                     if b.type == "resource" and len(b.labels) == 2 and b.labels[0] == "argocd_cluster"]
    return ctx._cache["tf-clusters"]


_ROOT_MARKS = re.compile(r'^\s*(provider\s+"|backend\s+"|cloud\s*\{)', re.M)


def library_module(ctx: Context, directory: str) -> bool:
    """A module directory read on its own that is not a root module: nothing in the tree calls it, and
    none of its files configures a provider or a backend. What its callers deploy beside it is not
    visible here."""
    cache = ctx._cache.setdefault("tf-library-modules", {})
    if directory not in cache:
        import glob

        root = os.path.join(ctx.platform.root, directory)
        marked = False
        for fs_path in glob.glob(os.path.join(glob.escape(root), "*.tf")):
            try:
                with open(fs_path, encoding="utf-8") as handle:
                    marked = bool(_ROOT_MARKS.search(handle.read()))
            except (OSError, UnicodeDecodeError):
                continue
            if marked:
                break
        cache[directory] = not marked and not ctx.platform.terraform_callers.get(directory)
    return cache[directory]
