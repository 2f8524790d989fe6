"""Argo CD's CRDs (argoproj/argo-cd, manifests/crds) at its newest release, as the JSON schemas
otelstack validates Application and ApplicationSet objects with.

Every field of spec is converted (datagen.crdschema); status and operation are the controller's
and are accepted as objects. The schema parts the two CRDs repeat (the source in spec.source and
in every spec.sources item, the Application spec in an ApplicationSet's templates) are written
once, in `$defs`, and referenced, so the files stay small.
"""

from __future__ import annotations

import yaml

from datagen import DataFile, crdschema, ranges
from datagen.upstream import UpstreamError, UpstreamRepo

VERSION = 1
REPOSITORIES = ("argoproj/argo-cd",)
HAND: tuple[str, ...] = ()
CRDS = {  # data file name -> CRD file in the repository (served version v1alpha1)
    "argoproj.io-v1alpha1-Application": "manifests/crds/application-crd.yaml",
    "argoproj.io-v1alpha1-ApplicationSet": "manifests/crds/applicationset-crd.yaml",
}
API_VERSION = "v1alpha1"

HEADER = """\
{kind}, argoproj.io/{version}, from the CRD of Argo CD {release} (manifests/crds), as a JSON schema:
every spec field the API server accepts, with its type, required fields and allowed values; status
and operation are the controller's (objects). Schema parts used more than once are in `$defs`
(`<file>#/$defs/<name>` across the two files). Fields with a default are not required; null passes
where the API server would prune it (not for fields with a set of allowed values)."""


def generate(repo: UpstreamRepo) -> dict[str, DataFile]:
    releases = ranges.release_tags(repo.tags(), "v")
    if not releases:
        raise UpstreamError("argoproj/argo-cd: no release tags")
    version, tag = releases[-1]
    documents = []
    for name, path in CRDS.items():
        crd = yaml.load(repo.show(tag, path) or "null", Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        if not isinstance(crd, dict):
            raise UpstreamError(f"{path} is missing at {tag}")
        documents.append((name, crdschema.document(crd, API_VERSION, {})))
    crdschema.share(documents)
    return {f"schemas/crds/{name}.yaml": DataFile(doc, HEADER.format(kind=doc["properties"]["kind"]["const"], version=API_VERSION,
                                                                        release=version))
            for name, doc in documents}
