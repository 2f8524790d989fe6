"""argocd_application(_set) with an argument or block the provider does not have, or missing required blocks.

Arguments and blocks `argocd_application` and `argocd_application_set` (provider
argoproj-labs/argocd 7.x) do not have, single blocks given twice, and missing required blocks.

`terraform validate` catches these only once the provider is downloaded; otelstack knows the
provider's schema and reports them before that, with a suggestion.

Problematic:
    spec {
      sync_polcy { automated { prune = true } }
    }
Correct:
    spec {
      sync_policy { automated { prune = true } }
    }
"""

import difflib

from otelstack.validate.finding import Problem
from otelstack.validate.model import tf_application_schema, tf_application_set_schema
from otelstack.validate.rules.base import Context

ID = "tf-argocd-schema"
SEVERITY = "error"
GROUP = "argocd"


def check(ctx: Context):
    for app in ctx.platform.argocd_applications:
        if app.origin == "terraform" and app.raw is not None:
            yield from _block(app, app.raw, (), tf_application_schema(), top=True)
    for appset in ctx.platform.application_sets:
        if appset.origin == "terraform" and appset.raw is not None:
            yield from _block(appset, appset.raw, (), tf_application_set_schema(), top=True)


def _block(app, raw, path, schema, top=False):
    data = raw.get(path)
    if not isinstance(data, dict) or schema.get("open"):
        return
    attributes = set(schema.get("attributes", [])) | (set(schema.get("meta", [])) if top else set())
    blocks = schema.get("blocks", {})
    where = ".".join(str(p) for p in path if not isinstance(p, int)) or app.address
    for key, value in data.items():
        if key.startswith("dynamic "):
            name = key[8:]
            if name not in blocks:
                close = difflib.get_close_matches(name, sorted(blocks), n=1)
                yield Problem(raw.key_location(path + (key,)), f"{app.address}: {where} has no block {name!r} to generate dynamically",
                              f"did you mean {close[0]!r}?" if close else f"{where} has blocks: {', '.join(sorted(blocks)) or 'none'}")
            else:
                for index, item in enumerate(value if isinstance(value, list) else []):
                    if isinstance(item, dict) and isinstance(item.get("content"), list) and item["content"]:
                        yield from _block(app, raw, path + (key, index, "content", 0), blocks[name])
            continue
        if key in blocks:
            spec = blocks[key]
            items = value if isinstance(value, list) else []
            if spec.get("max") == 1 and len(items) > 1:
                yield Problem(raw.location(path + (key, 1)), f"{app.address}: only one {key} block is allowed in {where}")
            for index in range(len(items)):
                yield from _block(app, raw, path + (key, index), spec)
        elif key not in attributes:
            names = sorted(attributes | set(blocks))
            close = difflib.get_close_matches(key, names, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"{where} takes: {', '.join(names)}"
            yield Problem(raw.key_location(path + (key,)), f"{app.address}: {where} has no argument or block {key!r}", hint)
    for key, spec in blocks.items():
        if spec.get("required") and key not in data and f"dynamic {key}" not in data:
            if key == "metadata":
                continue  # argocd-app-metadata reports it with more to say
            yield Problem(raw.location(path), f"{app.address}: {where} needs a {key} block")
    if "source" in blocks and "source" not in data and "dynamic source" not in data:
        yield Problem(raw.location(path), f"{app.address}: spec needs at least one source block")
