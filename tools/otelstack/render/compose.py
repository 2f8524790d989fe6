"""From a resolved stack to what gets deployed: Argo CD application specs, Helm values, manifest context.

This is the only place that turns stack keys into chart values and sync options, so the Terraform
roots, `otelstack smoke --via helm` and `otelstack validate` all see the same values.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from otelstack import charts, versions, wiring
from otelstack.render import backends
from otelstack.stack.model import Stack

# Deployment order. Argo CD does not order separate applications, so Terraform creates each tier
# after the previous one has synced (`wait = true` on the tiers that others depend on).
TIER_PREREQUISITES = 0  # cert-manager
TIER_BACKENDS = TIER_PREREQUISITES  # Tempo, Prometheus: ready before the collector sends to them
TIER_OPERATOR = 1
TIER_WORKLOADS = 2  # collector manifests, Beyla; Grafana (after the backends its datasources read)

MANAGED_BY = "otelstack"
DEFAULT_WAIT_TIMEOUT = "15m"


@dataclass
class Application:
    name: str  # Argo CD application name
    component: str  # cert-manager | operator | collector | beyla | tempo | prometheus | grafana
    tier: int
    namespace: str  # destination namespace
    spec: dict  # the Terraform input for this application (see terraform/modules/stack-spec)
    values: dict | None = None  # Helm values; None for a directory source

    @property
    def values_file(self) -> str | None:
        return f"values/{self.name}.yaml" if self.values is not None else None


@dataclass
class Composition:
    stack: Stack
    applications: list[Application] = field(default_factory=list)
    beyla_endpoint: str = ""
    beyla_protocol: str = ""
    instrumentation_endpoint: str = ""
    collector: dict = field(default_factory=dict)  # the collector section with what the backends add (rendered)
    backends: dict[str, wiring.BackendService] = field(default_factory=dict)  # enabled backends' Services

    def application(self, component: str) -> Application | None:
        return next((app for app in self.applications if app.component == component), None)


def deep_merge(base: dict, override: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def destination(stack: Stack, namespace: str) -> dict:
    """Argo CD names a cluster by API server URL (`server`) or by its registered name (`name`)."""
    target = stack.data["argocd"]["destination"]
    key = "server" if target.startswith("https://") else "name"
    return {key: target, "namespace": namespace}


def rendered_path(stack: Stack) -> str:
    return f"manifests/rendered/{stack.environment}"


def chart_fullname(release: str, chart: str, values: dict | None = None) -> str:
    """The usual Helm `<chart>.fullname` helper: the release name when it contains the chart name,
    else `<release>-<chart>` (fullnameOverride and nameOverride from `values`). The operator's,
    Beyla's and the backends' charts name their workloads and webhook objects with it."""
    return wiring.helm_fullname(release, chart, values)


def compose(stack: Stack) -> Composition:
    result = Composition(stack)
    collector = stack.collector
    export = stack.beyla["export"]
    result.beyla_endpoint, _ = wiring.otlp_endpoint(
        collector["name"], collector["namespace"], collector["config"], export["receiver"], export["protocol"]
    )
    result.beyla_protocol = wiring.EXPORTER_PROTOCOL[export["protocol"]]
    instrumentation = stack.instrumentation
    if instrumentation.get("enabled"):
        result.instrumentation_endpoint, _ = wiring.otlp_endpoint(
            collector["name"], collector["namespace"], collector["config"],
            instrumentation.get("receiver", "otlp"), instrumentation.get("protocol", "http"),
        )
        if instrumentation.get("protocol", "http") == "http":
            # The operator injects this as OTEL_EXPORTER_OTLP_ENDPOINT, to which SDKs add the signal path.
            result.instrumentation_endpoint = result.instrumentation_endpoint.removesuffix(wiring.TRACES_PATH)
    if stack.cert_manager_enabled:
        result.applications.append(_cert_manager(stack))
    for component in ("tempo", "prometheus"):
        if stack.backend(component):
            app = _helm_app(stack, component, component, TIER_BACKENDS, backends.chart_values(stack, component),
                            sync_options=["CreateNamespace=true"])
            result.applications.append(app)
            result.backends[component] = backends.service(stack, component, app.values)
    result.collector = backends.collector_section(stack, result.backends)
    result.applications.append(_operator(stack))
    result.applications.append(_collector(stack))
    result.applications.append(_beyla(stack, result))
    if stack.backend("grafana"):
        result.applications.append(_helm_app(stack, "grafana", "grafana", TIER_WORKLOADS, backends.grafana_values(stack, result.backends),
                                             sync_options=["CreateNamespace=true"]))
    return result


def wait_timeouts(stack: Stack) -> dict:
    """How long Terraform waits for an application to be Synced and Healthy (create, update) or gone
    (delete). The provider's default is 5 minutes: a slow operator or cert-manager then fails the
    create after the Application exists, Terraform taints it, and the next apply replaces it with
    cascade = true, deleting what it deployed (CRDs, and with them every collector)."""
    timeout = stack.get("argocd", "waitTimeout", default=DEFAULT_WAIT_TIMEOUT)
    return {"create": timeout, "update": timeout, "delete": timeout}


def helm_values(stack: Stack, key: str, generated: dict) -> dict:
    """A chart's values: what otelstack generates, with the section's own `values` merged over it."""
    return deep_merge(generated, stack.data[key].get("values") or {})


def _helm_app(stack: Stack, component: str, key: str, tier: int, values: dict, *, sync_options: list[str],
              ignore_differences: list[dict] | None = None) -> Application:
    section = stack.data[key]
    chart = section["chart"]
    name = section["release"]
    values = helm_values(stack, key, values)
    spec = {
        "component": component,
        "tier": tier,
        "project": stack.data["argocd"]["project"],
        "destination": destination(stack, section["namespace"]),
        "source": {
            "repo_url": chart["repository"],
            "chart": chart["name"],
            "path": None,
            "target_revision": chart["version"],
            "release_name": section["release"],
            "values_file": f"values/{name}.yaml",
        },
        "sync_options": sync_options,
        "ignore_differences": ignore_differences or [],
        # Every tier waits: on create the next tier starts once this one is Synced and Healthy, and on
        # destroy (reverse order) the operator is deleted only after the collectors are gone.
        "wait": True,
        "timeouts": wait_timeouts(stack),
        "retry": None,
    }
    return Application(name, component, tier, section["namespace"], spec, values)


def _cert_manager(stack: Stack) -> Application:
    return _helm_app(
        stack, "cert-manager", "certManager", TIER_PREREQUISITES,
        {"crds": {"enabled": True}},
        sync_options=["CreateNamespace=true", "ServerSideApply=true"],
    )


def _operator(stack: Stack) -> Application:
    operator = stack.operator
    use_cert_manager = operator["webhookCertificates"] == "cert-manager"
    values: dict[str, Any] = {
        "manager": {"collectorImage": {"repository": operator["collectorImage"]}},
        "admissionWebhooks": {
            "certManager": {"enabled": use_cert_manager},
            "autoGenerateCert": {"enabled": not use_cert_manager},
        },
    }
    if operator.get("extraArgs"):
        values["manager"]["extraArgs"] = list(operator["extraArgs"])
    # ServerSideApply is not needed for the size of these CRDs; it is harmless and avoids the
    # last-applied annotation on them.
    sync_options = ["CreateNamespace=true", "ServerSideApply=true"]
    ignores = [] if use_cert_manager else _auto_generated_cert_ignores(stack)
    return _helm_app(stack, "operator", "operator", TIER_OPERATOR, values, sync_options=sync_options, ignore_differences=ignores)


def _auto_generated_cert_ignores(stack: Stack) -> list[dict]:
    """The chart's self-generated certificate: Argo CD renders with `helm template`, so every manifest
    regeneration makes a new CA and certificate. The certificate Secret is a Helm hook (PreSync under
    Argo CD, recreated on every sync, outside sync status), and the webhook and CRD conversion
    `caBundle`s carry the CA of the same render. These ignores keep the application from showing
    OutOfSync after each regeneration; they are for status only. Deliberately WITHOUT
    RespectIgnoreDifferences: a sync must apply the new caBundles together with the hook's new
    certificate, or the webhooks keep the old CA and every webhook call and collector conversion
    fails with x509 errors (facts.md, operator section; `argocd-webhook-cert-drift`)."""
    fullname = chart_fullname(stack.operator["release"], stack.operator["chart"]["name"])
    ca_bundle = [".webhooks[]?.clientConfig.caBundle"]
    return [
        {"group": "admissionregistration.k8s.io", "kind": "MutatingWebhookConfiguration", "name": f"{fullname}-mutation",
         "namespace": None, "json_pointers": [], "jq_path_expressions": ca_bundle},
        {"group": "admissionregistration.k8s.io", "kind": "ValidatingWebhookConfiguration", "name": f"{fullname}-validation",
         "namespace": None, "json_pointers": [], "jq_path_expressions": ca_bundle},
        {"group": "apiextensions.k8s.io", "kind": "CustomResourceDefinition", "name": None, "namespace": None,
         "json_pointers": [], "jq_path_expressions": [".spec.conversion.webhook.clientConfig.caBundle"]},
    ]


def _collector(stack: Stack) -> Application:
    collector = stack.collector
    repo = stack.data["repository"]
    spec = {
        "component": "collector",
        "tier": TIER_WORKLOADS,
        "project": stack.data["argocd"]["project"],
        "destination": destination(stack, collector["namespace"]),
        "source": {
            "repo_url": repo["url"],
            "chart": None,
            "path": rendered_path(stack),
            "target_revision": repo["revision"],
            "release_name": None,
            "values_file": None,
        },
        # The CRDs come from the operator application: until it has synced, the dry run of the
        # collector CR fails. Skip that dry run and retry instead of failing the sync for good.
        "sync_options": ["CreateNamespace=true", "SkipDryRunOnMissingResource=true"],
        "ignore_differences": [],
        "wait": True,
        "timeouts": wait_timeouts(stack),
        "retry": {"limit": 10, "backoff": {"duration": "15s", "factor": 2, "max_duration": "5m"}},
    }
    return Application(collector["name"], "collector", TIER_WORKLOADS, collector["namespace"], spec, None)


def beyla_values(stack: Stack, endpoint: str, protocol: str) -> dict:
    beyla = stack.beyla
    values: dict[str, Any] = {
        "env": {
            # The traces-specific variables: Beyla uses this endpoint as given (no path appended),
            # and the explicit protocol can never drift from the receiver it points at.
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": endpoint,
            "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": protocol,
        },
    }
    if backends.exports_metrics(stack):
        # The collector forwards metrics (to Prometheus, or a hosted backend): Beyla sends its own to
        # the same receiver. Without a metrics pipeline the collector would refuse them.
        collector, export = stack.collector, beyla["export"]
        metrics_endpoint, _ = wiring.otlp_endpoint(collector["name"], collector["namespace"], collector["config"],
                                                   export["receiver"], export["protocol"], signal="metrics")
        values["env"]["OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"] = metrics_endpoint
        values["env"]["OTEL_EXPORTER_OTLP_METRICS_PROTOCOL"] = protocol
    config: dict[str, Any] = {}
    if beyla.get("discovery"):
        config["discovery"] = copy.deepcopy(beyla["discovery"])
    if beyla.get("routes"):
        config["routes"] = copy.deepcopy(beyla["routes"])
    if config:
        values["config"] = {"data": config}
    has_privileged_key = versions.at_least(beyla["chart"]["version"], charts.by_name("beyla").key(("privileged",)).since)
    if beyla["security"] == "privileged":
        if has_privileged_key is not False:  # older charts are privileged by default (securityContext)
            values["privileged"] = True
    else:
        values["privileged"] = False
        if beyla.get("extraCapabilities"):
            values["extraCapabilities"] = list(beyla["extraCapabilities"])
    if beyla.get("mountSecurityFs"):
        values["volumes"] = [{"name": "security-fs", "hostPath": {"path": "/sys/kernel/security", "type": "Directory"}}]
        values["volumeMounts"] = [{"name": "security-fs", "mountPath": "/sys/kernel/security", "readOnly": True}]
    return values


def _beyla(stack: Stack, result: Composition) -> Application:
    values = beyla_values(stack, result.beyla_endpoint, result.beyla_protocol)
    # Beyla exports to the collector: it starts after the operator tier, beside the collector.
    return _helm_app(stack, "beyla", "beyla", TIER_WORKLOADS, values, sync_options=["CreateNamespace=true"])
