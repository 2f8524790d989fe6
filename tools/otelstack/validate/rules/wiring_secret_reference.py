"""Secret referenced by the collector, Grafana or Beyla that the tree neither creates nor declares external.

Credentials belong in Secrets (a hosted backend's auth headers through the collector's
`${env:VAR}` and the resource's `env` / `envFrom`, Grafana's admin account through
`admin.existingSecret`). A Secret that does not exist, or lacks the key, keeps the pod from
starting (CreateContainerConfigError) after the sync reported success. A Secret of the tree (a
Secret, an ExternalSecret or a SealedSecret in the same namespace) without the key read is an error.
One that is not in the tree is reported as not checked (info): Secrets are often made outside the
repository; declare it (`externalSecrets: [namespace/name]` in .otelstack.yaml) to say so. The stack
definition declares its hosted backend's and Grafana's Secrets itself.

Problematic:
    env:
      - name: OTELSTACK_HOSTED_AUTHORIZATION
        valueFrom: {secretKeyRef: {name: otlp-credentials, key: authorization}}   # nowhere in the tree
Correct:
    # .otelstack.yaml
    externalSecrets: [otel/otlp-credentials]
"""

from typing import Any, Iterator

from otelstack.validate.finding import Problem
from otelstack.validate.rules._backends import backends
from otelstack.validate.rules.base import Context

ID = "wiring-secret-reference"
SEVERITY = "error"
GROUP = "wiring"


def check(ctx: Context):
    secrets = _secrets(ctx)
    unseen = ctx.unseen_summary()
    for namespace, name, key, location, who in _references(ctx):
        if not all(isinstance(v, str) and v for v in (namespace, name)) or f"{namespace}/{name}" in ctx.platform.external_secrets:
            continue
        found = secrets.get((namespace, name))
        if found is None:
            # Secrets are often made outside the repository (by hand, a vault operator, a CI job):
            # whether this one exists is not something the tree can tell.
            where = f"is not among what this run read ({unseen})" if unseen else "is neither in the tree nor declared external"
            yield Problem(location, f"{who}: Secret {name!r} in namespace {namespace} {where}: "
                                    "whether it exists is not checked (without it the pod does not start)",
                          f"declare it with `externalSecrets: [{namespace}/{name}]` in .otelstack.yaml, or create it in this tree",
                          not_checked=True)
        elif isinstance(key, str) and found is not True and key not in found:
            yield Problem(location, f"{who}: Secret {name!r} in namespace {namespace} has no key {key!r} (it has: {', '.join(sorted(found)) or 'none'})",
                          "use one of its keys, or add this one")


def _secrets(ctx: Context) -> dict[tuple[str, str], Any]:
    """(namespace, name) -> the keys a Secret in the tree holds, or True when they cannot be listed."""
    found: dict[tuple[str, str], Any] = {}
    for obj in ctx.platform.objects:
        if not isinstance(obj.namespace, str):
            continue
        if obj.kind == "Secret" and obj.api_version == "v1" and isinstance(obj.name, str):
            keys = set()
            for field in ("data", "stringData"):
                value = obj.doc.data.get(field)
                if isinstance(value, dict):
                    keys |= {k for k in value if isinstance(k, str)}
            found[(obj.namespace, obj.name)] = keys
        elif obj.kind == "ExternalSecret" and str(obj.api_version).startswith("external-secrets.io/"):
            target = obj.doc.get(("spec", "target", "name")) or obj.name
            if isinstance(target, str):
                found[(obj.namespace, target)] = True
        elif obj.kind == "SealedSecret" and str(obj.api_version).startswith("bitnami.com/") and isinstance(obj.name, str):
            found[(obj.namespace, obj.name)] = True
    return found


def _references(ctx: Context) -> Iterator[tuple[Any, Any, Any, Any, str]]:
    """(namespace, Secret name, key or None, location, who) for every Secret these components read."""
    for collector in ctx.platform.collectors:
        doc, who = collector.obj.doc, f"collector {collector.label}"
        values = getattr(collector, "source", None) and collector.source.values  # the collector chart's values
        if values is not None:
            yield from _env_references(collector.namespace, values, ("extraEnvs",), ("extraEnvsFrom",), who)
            continue
        yield from _env_references(collector.namespace, doc, ("spec", "env"), ("spec", "envFrom"), who)
    for backend in backends(ctx):
        if backend.component == "grafana" and backend.values is not None:
            values = backend.values
            existing = values.get(("admin", "existingSecret"))
            if isinstance(existing, str) and existing and "{{" not in existing:
                for key_path, default in ((("admin", "userKey"), "admin-user"), (("admin", "passwordKey"), "admin-password")):
                    key = values.get(key_path) or default
                    yield (backend.app.destination_namespace, existing, key, values.location(("admin", "existingSecret")),
                           f"application {backend.app.label}: Grafana's admin.existingSecret")
    for app, source in ctx.chart_sources("beyla"):
        values = source.values
        env = values.get(("envValueFrom",)) if values is not None else None
        for var, ref in (env.items() if isinstance(env, dict) else ()):
            secret = ref.get("secretKeyRef") if isinstance(ref, dict) else None
            if isinstance(secret, dict) and secret.get("optional") is not True:
                yield (app.destination_namespace, secret.get("name"), secret.get("key"),
                       values.location(("envValueFrom", var, "secretKeyRef", "name")), f"application {app.label}: Beyla's envValueFrom.{var}")


def _env_references(namespace: Any, doc, env_path: tuple, env_from_path: tuple, who: str):
    """Secret references of a container's env and envFrom (or the chart values that become them)."""
    for index, item in enumerate(_list(doc.get(env_path))):
        ref = item.get("valueFrom", {}).get("secretKeyRef") if isinstance(item, dict) and isinstance(item.get("valueFrom"), dict) else None
        if isinstance(ref, dict) and ref.get("optional") is not True:
            yield namespace, ref.get("name"), ref.get("key"), doc.location(env_path + (index, "valueFrom", "secretKeyRef", "name")), who
    for index, item in enumerate(_list(doc.get(env_from_path))):
        ref = item.get("secretRef") if isinstance(item, dict) else None
        if isinstance(ref, dict) and ref.get("optional") is not True:
            yield namespace, ref.get("name"), None, doc.location(env_from_path + (index, "secretRef", "name")), who


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []
