"""Operator with the chart's self-generated webhook certificate and no ignores for the caBundles.

Argo CD renders charts with `helm template`, where the chart's `lookup` finds nothing: every manifest
regeneration makes a new CA and serving certificate. Without ignore-differences on the webhook and
CRD conversion `caBundle`s, the application shows OutOfSync after every regeneration and each
automated sync rolls the certificate. The ignores are for status only: do NOT add
RespectIgnoreDifferences=true while the certificate Secret is a Helm hook (chart 0.12.2 and later by
default) — see `argocd-webhook-cert-x509`. An ignore on the Secret itself does nothing: hooks are
outside sync status. cert-manager avoids all of this (deterministic renders, `inject-ca-from`).

Problematic:
    spec { source { chart = "opentelemetry-operator" ... } }   # autoGenerateCert on, no ignores
Correct:
    ignore_difference {
      group               = "admissionregistration.k8s.io"
      kind                = "MutatingWebhookConfiguration"
      jq_path_expressions = [".webhooks[]?.clientConfig.caBundle"]
    }
    # ... the same for ValidatingWebhookConfiguration, and for CustomResourceDefinition with
    # .spec.conversion.webhook.clientConfig.caBundle; no RespectIgnoreDifferences=true
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from otelstack import charts, versions
from otelstack.source import is_unknown
from otelstack.validate.finding import Problem
from otelstack.validate.model import Application, AppSource
from otelstack.validate.rules.base import Context, chart_version

ID = "argocd-webhook-cert-drift"
SEVERITY = "warning"
GROUP = "argocd"

CA_BUNDLES = (
    ("MutatingWebhookConfiguration", "the MutatingWebhookConfiguration"),
    ("ValidatingWebhookConfiguration", "the ValidatingWebhookConfiguration"),
    ("CustomResourceDefinition", "the CRD conversion webhook"),
)


@dataclass
class CertificateSetup:
    """How an operator application handles the chart's self-generated certificate under Argo CD."""

    app: Application
    source: AppSource
    secret_is_hook: bool
    secret_ignored: bool  # ignore_difference on the Secret's data
    ca_ignored: dict[str, bool]  # kind -> its caBundle is ignored
    respects: bool | None  # RespectIgnoreDifferences=true (None: not known before apply)

    def kept_at_sync(self, kind: str) -> bool | None:
        """Does a sync leave this object's caBundle (or, for "Secret", the certificate) as it is?"""
        if self.respects is None:
            return None
        if kind == "Secret":
            return not self.secret_is_hook and self.secret_ignored and self.respects
        return self.ca_ignored[kind] and self.respects


@lru_cache(maxsize=1)
def _hook_ranges() -> list[dict]:
    return charts.by_name("opentelemetry-operator").data["webhookCertificateSecret"]


def secret_is_hook(version: str, values) -> bool | None:
    """Whether chart `version` with these values renders the certificate Secret as a Helm hook."""
    for entry in _hook_ranges():
        if versions.in_range(version, entry.get("since"), entry.get("until")) is not True:
            continue
        if entry["how"] == "template":
            return True
        path = tuple(entry["valuesKey"].split("."))
        if values is None or path[-1] not in (values.get(path[:-1]) or {}):
            return True  # the chart's default annotations
        annotations = values.get(path)
        if is_unknown(annotations):
            return None
        return annotations is not None and (not isinstance(annotations, dict) or annotations.get("helm.sh/hook", "") is not None)
    return False


def uses_generated_certificate(values) -> bool | None:
    webhooks = values.get(("admissionWebhooks",)) if values is not None else None
    if is_unknown(webhooks):
        return None
    webhooks = webhooks if isinstance(webhooks, dict) else {}
    if webhooks.get("create") is False:
        return False
    settings = []
    for key in ("certManager", "autoGenerateCert"):
        section = webhooks.get(key)
        value = section.get("enabled", True) if isinstance(section, dict) else True
        if is_unknown(value) or is_unknown(section):
            return None
        settings.append(value)
    cert_manager, generated = settings
    return cert_manager is False and generated is not False


def _ignored(ignores: list, kind: str, needle: str) -> bool:
    for item in ignores:
        if isinstance(item, dict) and item.get("kind") == kind:
            fields = [f for key in ("jsonPointers", "jqPathExpressions") if isinstance(item.get(key), list) for f in item[key]]
            if any(isinstance(f, str) and needle in f for f in fields):
                return True
    return False


def setups(ctx: Context) -> list[CertificateSetup]:
    """Operator applications using the self-generated certificate, with what is known of them."""
    cached = ctx._cache.get("webhook-certificates")
    if cached is not None:
        return cached
    cached = []
    for app, source in ctx.chart_sources("opentelemetry-operator"):
        if app.engine != "argocd":
            continue  # regenerated at every render only where Argo CD renders the chart
        version, _ = chart_version(source)
        if version is None or source.values_unknown or uses_generated_certificate(source.values) is not True:
            continue
        hook = secret_is_hook(version, source.values)
        ignores = app.get("spec", "ignoreDifferences")
        if hook is None or is_unknown(ignores):
            continue
        ignores = ignores if isinstance(ignores, list) else []
        cached.append(CertificateSetup(
            app, source, hook, _ignored(ignores, "Secret", "/data"),
            {kind: _ignored(ignores, kind, "caBundle") for kind, _ in CA_BUNDLES},
            app.has_sync_option("RespectIgnoreDifferences=true"),
        ))
    ctx._cache["webhook-certificates"] = cached
    return cached


def ignores_location(app: Application):
    return app.loc("spec", "ignoreDifferences") if app.get("spec", "ignoreDifferences") is not None else app.loc("spec")


def check(ctx: Context):
    for setup in setups(ctx):
        missing = [label for kind, label in CA_BUNDLES if not setup.ca_ignored[kind]]
        if not missing:
            continue
        hint = ("add ignore_difference on the caBundles (status only; without RespectIgnoreDifferences while the certificate Secret "
                "is a Helm hook), or use cert-manager (certManager.enabled: true)")
        if setup.secret_is_hook and setup.secret_ignored:
            hint += "; the ignore on the certificate Secret does nothing: it is a Helm hook"
        yield Problem(ignores_location(setup.app),
                      f"application {setup.app.label}: the chart generates a new webhook certificate at every manifest regeneration and "
                      f"nothing ignores the caBundle of {', '.join(missing)}: OutOfSync after each regeneration, and every automated sync "
                      "rolls the certificate", hint)
