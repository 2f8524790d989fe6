"""A `ref` source that also deploys a directory: no path in Terraform (the provider's "."), or the Application's own folder.

The argoproj-labs/argocd provider (v7) gives every `source` block `path = "."` when none is set
(a schema default; upstream issue #408). A multi-source application's `ref` source, meant only to
provide `$values/...` files, is then also rendered as a directory source of the repository's
root: harmless while the root holds no manifests, a surprise deployment the day someone adds one.
Keep it values-only by excluding every file from that directory source.

Argo CD renders any `ref` source with a `path` as a directory source as well. That is a way to
deploy a few manifests next to the values (an Issuer, say); but when the folder is the one holding
the Application itself, next to its values file, the Application becomes a resource of itself.

Problematic:
    source {
      repo_url        = "https://github.com/example/platform.git"
      target_revision = "main"
      ref             = "values"
    }
Correct:
    source {
      repo_url        = "https://github.com/example/platform.git"
      target_revision = "main"
      ref             = "values"
      directory {
        exclude = "*"
      }
    }
"""

from otelstack.validate.finding import Problem
from otelstack.validate.rules.base import Context

ID = "argocd-ref-source-path"
SEVERITY = "warning"
GROUP = "argocd"


def _sources(raw, spec_path):
    """(path, source body) of every `source` block, dynamic ones by their content."""
    spec = raw.get(spec_path)
    if not isinstance(spec, dict):
        return
    for index, body in enumerate(spec.get("source") if isinstance(spec.get("source"), list) else []):
        yield spec_path + ("source", index), body
    for index, dynamic in enumerate(spec.get("dynamic source") if isinstance(spec.get("dynamic source"), list) else []):
        content = dynamic.get("content") if isinstance(dynamic, dict) else None
        if isinstance(content, list) and content:
            yield spec_path + ("dynamic source", index, "content", 0), content[0]


def check(ctx: Context):
    holders = [(app.address, app.raw, ("spec", 0)) for app in ctx.platform.argocd_applications if app.origin == "terraform" and app.raw is not None]
    holders += [(s.address, s.raw, ("spec", 0, "template", 0, "spec", 0)) for s in ctx.platform.application_sets
                if s.origin == "terraform" and s.raw is not None]
    for address, raw, spec_path in holders:
        for path, body in _sources(raw, spec_path):
            if not isinstance(body, dict) or body.get("ref") is None:
                continue
            if "path" in body or "directory" in body or "dynamic directory" in body or body.get("chart") is not None:
                continue
            yield Problem(raw.key_location(path), f"{address}: the `ref` source has no path: the provider sets path = \".\", so the "
                                                  "repository root is also deployed as a directory source",
                          'add directory { exclude = "*" } to keep it a values-only source')
    for app in ctx.platform.argocd_applications:
        for source in app.sources:
            if source.ref is None or not isinstance(source.path, str) or app.obj is None or app.get(*source.base, "directory") is not None:
                continue
            if any(obj is app.obj for obj in source.objects):
                yield Problem(app.loc(*source.base, "path"),
                              f"application {app.label}: the `ref` source also has path {source.path!r}, the folder holding this "
                              "Application: Argo CD deploys the Application as a resource of itself",
                              "drop path from the ref source (its $<ref>/... files are read without it), or exclude the "
                              "Application's file with directory.exclude")
