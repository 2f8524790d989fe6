"""Terraform (`*.tf`): the stack as Terraform declares it.

- Argo CD applications, ApplicationSets and cluster registrations (argoproj-labs/argocd provider);
- `helm_release` (hashicorp/helm): a Helm deployment in the Argo CD application shape, checked by
  the same chart rules (`terraform_helm`);
- Kubernetes objects: `kubernetes_manifest`, `kubectl_manifest` (and the documents files
  `kubectl_file_documents`/`kubectl_path_documents` feed it), typed `kubernetes_*` resources
  (`terraform_kubernetes`);
- `module` blocks with a local source, read with the call's arguments (`terraform_modules`);
- `.terraform.lock.hcl`: the provider versions `terraform init` chose, which the provider's schema is judged by.

Every resource block is kept for the rules that ask about others; resource types not read are
listed per file as skipped.
"""

from __future__ import annotations

import os

from otelstack.source import Location, Unknown, is_unknown
from otelstack.validate.loaders import terraform_helm, terraform_kubernetes
from otelstack.validate.loaders.core import Loader
from otelstack.validate.loaders.discover import Discovery, Input
from otelstack.validate.loaders.terraform_modules import Resource, TerraformState
from otelstack.validate.model import (
    Application,
    ApplicationSetModel,
    SourceFile,
    normalize_terraform,
    sources_as_list,
    tf_application_set_schema,
)

NAME = "terraform"
ORDER = 2
SUFFIXES = (".tf",)


def _application(res: Resource) -> None:
    raw = res.block.doc
    doc = normalize_terraform(raw)
    depends = raw.data.get("depends_on")
    references = [d.expression if isinstance(d, Unknown) else str(d) for d in depends] if isinstance(depends, list) else []
    res.loader.add_application(Application(
        name=doc.get(("metadata", "name")), doc=doc, origin="terraform", file=res.file,
        address=res.address, depends_on=references, wait=raw.data.get("wait"), raw=raw,
    ))


def _application_set(res: Resource) -> None:
    doc = normalize_terraform(res.block.doc, tf_application_set_schema())
    res.loader.platform.application_sets.append(ApplicationSetModel(
        doc.get(("metadata", "name")), sources_as_list(doc, ("spec", "template", "spec")), "terraform", res.file,
        res.address, raw=res.block.doc))


def _cluster(res: Resource) -> None:
    from otelstack.fleet.expand import ClusterTarget

    data = res.block.doc.data
    server, name = data.get("server"), data.get("name", data.get("server"))
    metadata = (data.get("metadata") or [{}])[0] if isinstance(data.get("metadata"), list) else {}
    labels, annotations = metadata.get("labels") or {}, metadata.get("annotations") or {}
    # A server read from a data source or another module is known at apply only; the registration
    # (its name, its labels) is still what generators and destinations match.
    if isinstance(name, str) and (isinstance(server, str) or is_unknown(server)) and isinstance(labels, dict) and isinstance(annotations, dict):
        res.loader.platform.clusters.append(ClusterTarget.of(name, server, labels, annotations, res.block.location))


# The resource types this carrier reads, and how.
READERS = {
    "argocd_application": _application,
    "argocd_application_set": _application_set,
    "argocd_cluster": _cluster,
    **terraform_helm.READERS,
    **terraform_kubernetes.READERS,
}
RESOURCE_TYPES = tuple(READERS)

def _state(loader: Loader) -> TerraformState:
    # kept in the run's loader (a module-level map keyed by the loader kept every run's model alive:
    # the state refers to its loader)
    state = loader.state.get(NAME)
    if state is None:
        state = loader.state[NAME] = TerraformState(loader, READERS)
    return state


LOCK_FILE = ".terraform.lock.hcl"


def claims(name: str) -> bool:
    return name.endswith(SUFFIXES) or name == LOCK_FILE


def prepare(loader: Loader, discovery: Discovery) -> None:
    """Which module directories the tree calls: those are read through their calls only."""
    state = _state(loader)
    for item in (i for i in discovery.inputs if i.carrier == NAME):
        file = state.text_file(item.fs_path, "hcl")
        if file is not None:
            loader.guard(Location(item.display), f"reading {item.display}", state.note_calls,
                         SourceFile(item.display, item.fs_path, "hcl", file.text))


def finish(loader: Loader) -> None:
    _state(loader).finish()


def load(loader: Loader, item: Input) -> None:
    if os.path.basename(item.fs_path) == LOCK_FILE:
        _lock_file(loader, item)
        return
    known = _state(loader).texts.get(item.fs_path)  # read once already, when preparing
    text = known.text if known is not None else loader.read(item, "syntax-hcl")
    if text is not None:
        load_file(loader, SourceFile(item.display, item.fs_path, "hcl", text))


def _lock_file(loader: Loader, item: Input) -> None:
    """The provider versions `terraform init` chose for this directory: what its resources are judged by."""
    from otelstack.hcl import load_hcl

    text = loader.read(item, "syntax-hcl")
    if text is None:
        return
    file = loader.register(SourceFile(item.display, item.fs_path, "hcl-lock", text))
    parsed = load_hcl(file.text, file.path, file.fs_path)
    for location, message in parsed.problems:
        loader.problem("syntax-hcl", location, message)
    locks = loader.platform.terraform_locks.setdefault(os.path.dirname(item.display), {})
    for block in parsed.blocks:
        version = block.doc.data.get("version")
        if block.type == "provider" and block.labels and isinstance(version, str):
            locks[block.labels[0].lower()] = version


def load_file(loader: Loader, file: SourceFile) -> None:
    state = _state(loader)
    parsed = state.parse(file)
    state.register(file, parsed)
    directory = os.path.dirname(file.fs_path) if file.fs_path else ""
    if directory and directory in state.called:
        return  # a module: read through the calls that give its variables values
    state.read_root(file)
