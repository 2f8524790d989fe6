"""Terraform (`*.tf`): Argo CD applications, ApplicationSets and cluster registrations declared with
the argoproj-labs/argocd provider; every resource block is kept for the rules that ask about others."""

from __future__ import annotations

from collections import Counter

from otelstack.hcl import load_hcl
from otelstack.source import Unknown
from otelstack.validate.loaders.core import Loader
from otelstack.validate.loaders.discover import Input
from otelstack.validate.model import (
    Application,
    ApplicationSetModel,
    SourceFile,
    TerraformResource,
    normalize_terraform,
    sources_as_list,
    tf_application_set_schema,
)

NAME = "terraform"
ORDER = 2
SUFFIXES = (".tf",)
RESOURCE_TYPES = ("argocd_application", "argocd_application_set", "argocd_cluster")


def claims(name: str) -> bool:
    return name.endswith(SUFFIXES)


def load(loader: Loader, item: Input) -> None:
    text = loader.read(item, "syntax-hcl")
    if text is not None:
        load_file(loader, SourceFile(item.display, item.fs_path, "hcl", text))


def load_file(loader: Loader, file: SourceFile) -> None:
    loader.register(file)
    parsed = load_hcl(file.text, file.path, file.fs_path)
    for location, message in parsed.problems:
        loader.problem("syntax-hcl", location, message)
    unread: Counter = Counter()
    for block in parsed.blocks:
        if block.type != "resource" or len(block.labels) != 2:
            continue
        kind, name = block.labels
        loader.platform.terraform_resources.append(TerraformResource(kind, name, block.doc, file))
        if kind == "argocd_application":
            loader.guard(block.location, f"reading {kind}.{name}", _application, loader, file, block)
        elif kind == "argocd_application_set":
            loader.guard(block.location, f"reading {kind}.{name}", _application_set, loader, file, block)
        elif kind == "argocd_cluster":
            loader.guard(block.location, f"reading {kind}.{name}", _cluster, loader, block)
        else:
            unread[kind] += 1
    if unread:
        loader.skip(file.path, "Terraform resources otelstack does not read: "
                    + ", ".join(f"{kind} ({count})" if count > 1 else kind for kind, count in sorted(unread.items())))


def _application(loader: Loader, file: SourceFile, block) -> None:
    raw = block.doc
    doc = normalize_terraform(raw)
    depends = raw.data.get("depends_on")
    references = [d.expression if isinstance(d, Unknown) else str(d) for d in depends] if isinstance(depends, list) else []
    loader.add_application(Application(
        name=doc.get(("metadata", "name")), doc=doc, origin="terraform", file=file,
        address=f"argocd_application.{block.labels[1]}", depends_on=references, wait=raw.data.get("wait"), raw=raw,
    ))


def _application_set(loader: Loader, file: SourceFile, block) -> None:
    doc = normalize_terraform(block.doc, tf_application_set_schema())
    loader.platform.application_sets.append(ApplicationSetModel(
        doc.get(("metadata", "name")), sources_as_list(doc, ("spec", "template", "spec")), "terraform", file,
        f"argocd_application_set.{block.labels[1]}", raw=block.doc))


def _cluster(loader: Loader, block) -> None:
    from otelstack.fleet.expand import ClusterTarget

    data = block.doc.data
    server, name = data.get("server"), data.get("name", data.get("server"))
    metadata = (data.get("metadata") or [{}])[0] if isinstance(data.get("metadata"), list) else {}
    labels, annotations = metadata.get("labels") or {}, metadata.get("annotations") or {}
    if all(isinstance(v, str) for v in (server, name)) and isinstance(labels, dict) and isinstance(annotations, dict):
        loader.platform.clusters.append(ClusterTarget.of(name, server, labels, annotations, block.location))
