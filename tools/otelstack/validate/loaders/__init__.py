"""Load a platform repo tree into the model, one module per carrier — the way a platform repo
carries the stack. Each carrier declares what it claims (file names, or whole directories) and
reads it into the model (`otelstack.validate.model`); what no carrier claims is listed as skipped,
with the reason, so the report says what was not checked.

Carriers, in the order they load: the stack definition (its rendered output is recognised as
such), Terraform, Kubernetes YAML, Jinja templates, local Helm charts (app-of-apps rendered with
`helm template`), Jsonnet, kustomizations (`kubectl kustomize`), Jsonnet libraries (read through
their importers). The rendering carriers come after those that hold Argo CD applications: an
application that deploys a folder gives the options Argo CD renders it with.
"""

from __future__ import annotations

from otelstack.validate.loaders import helm_chart, jinja, jsonnet, jsonnet_library, kubernetes, kustomize, stack, terraform
from otelstack.validate.loaders.core import Loader
from otelstack.validate.loaders.discover import Discovery, Input, Skipped, discover as _discover

# The first carrier that claims a file reads it (kustomization files before plain YAML); ORDER is
# the order they load in.
CARRIERS = (stack, terraform, kustomize, kubernetes, jinja, helm_chart, jsonnet, jsonnet_library)


def discover(paths: list[str]) -> Discovery:
    return _discover(paths, CARRIERS)


def loader(platform) -> Loader:
    return Loader(platform, CARRIERS)


__all__ = ["CARRIERS", "Discovery", "Input", "Loader", "Skipped", "discover", "loader"]
