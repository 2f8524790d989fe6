"""Operator webhooks that keep an old CA while the certificate changes: x509 errors after the next render.

With the chart's self-generated certificate, every manifest regeneration makes a new CA and serving
certificate, and a sync must apply both together. In chart 0.12.2 and later the certificate Secret
is a Helm hook by default (`pre-install,pre-upgrade`, `before-hook-creation`): Argo CD runs it as a
PreSync hook and recreates it on every sync, and hooks are outside RespectIgnoreDifferences. So
RespectIgnoreDifferences=true with ignores on the webhook or CRD conversion `caBundle`s keeps the
OLD CA in those objects while the hook writes a NEW certificate: webhook calls (collector and
Instrumentation admission, pod injection) and collector version conversion fail with
"x509: certificate signed by unknown authority". The same happens whenever what a sync keeps and
what it rewrites differ (a plain Secret ignored and respected, a caBundle not).

Problematic:
    sync_options = ["CreateNamespace=true", "RespectIgnoreDifferences=true"]
    ignore_difference { kind = "MutatingWebhookConfiguration" jq_path_expressions = [".webhooks[]?.clientConfig.caBundle"] }
Correct:
    sync_options = ["CreateNamespace=true"]   # the caBundle ignores stay, for status only
"""

from __future__ import annotations

from otelstack.validate.finding import Problem
from otelstack.validate.rules.argocd_webhook_cert_drift import CA_BUNDLES, ignores_location, setups
from otelstack.validate.rules.base import Context

ID = "argocd-webhook-cert-x509"
SEVERITY = "error"
GROUP = "argocd"


def check(ctx: Context):
    for setup in setups(ctx):
        secret_kept = setup.kept_at_sync("Secret")
        if secret_kept is None:
            continue  # whether the sync option is set is not known before apply
        stale = [label for kind, label in CA_BUNDLES if setup.kept_at_sync(kind) != secret_kept]
        if not stale:
            continue
        app = setup.app
        where = app.loc("spec", "syncPolicy", "syncOptions") if app.get("spec", "syncPolicy", "syncOptions") is not None else ignores_location(app)
        if secret_kept:
            what = (f"the certificate Secret's data is ignored and respected at sync but the caBundle of {', '.join(stale)} is not: "
                    "a sync applies a new CA while the operator keeps serving the old certificate")
        else:
            cause = "is a Helm hook, recreated with a new certificate on every sync" if setup.secret_is_hook else "is rewritten at every sync"
            what = (f"RespectIgnoreDifferences=true keeps the old caBundle of {', '.join(stale)} while the certificate Secret {cause}")
        yield Problem(where, f"application {app.label}: {what}: after the next manifest regeneration, webhook calls and collector "
                             "conversion fail with x509 errors (certificate signed by unknown authority)",
                      "drop RespectIgnoreDifferences=true and keep the caBundle ignores for status only, or use cert-manager "
                      "(certManager.enabled: true, cert-manager synced before the operator)")
