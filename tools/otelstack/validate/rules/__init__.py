"""The rule catalogue: every rule, in one explicit list (a newcomer finds them all here).

Each module in this package is one rule; see its docstring for what it checks and why.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import lru_cache
from types import ModuleType

from otelstack.validate.finding import Severity

RULE_MODULES = (
    # syntax and loading
    "syntax_hcl", "syntax_yaml", "syntax_jinja", "render_failed", "yaml_duplicate_key", "stack_definition", "render_stale", "internal_error",
    # Argo CD applications
    "argocd_app_metadata", "argocd_app_destination", "argocd_app_project", "argocd_source_type", "argocd_source_chart_and_path", "argocd_unpinned_revision",
    "argocd_revision_range", "argocd_chart_version_prefix", "argocd_namespace_not_created", "argocd_values_file",
    "argocd_operator_server_side_apply", "argocd_webhook_cert_drift", "argocd_webhook_cert_x509",
    "argocd_cluster_in_cluster", "argocd_wait_timeouts", "argocd_ref_source_path", "argocd_destination_unregistered", "argocd_crd_ordering", "tf_argocd_schema",
    "tf_argocd_provider_version",
    "argocd_grafana_admin_password",
    # Helm values against the pinned chart version
    "helm_chart_version_unknown", "helm_chart_version_newer", "helm_values_unknown_key", "helm_values_type", "helm_values_ignored", "helm_values_k8s_schema",
    "beyla_git_tag_version", "beyla_config", "beyla_config_deprecated", "beyla_env_overrides", "operator_cert_manager", "operator_collector_image", "helm_values_required", "helm_release_unpinned",
    # Kubernetes schemas
    "k8s_schema", "k8s_unknown_kind",
    # collector configuration
    "collector_undefined_component", "collector_unused_component", "collector_component_not_in_image",
    "collector_loopback_endpoint", "collector_duplicate_port", "collector_null_component",
    "collector_component_config", "collector_deprecated", "collector_processor_order",
    # cross-component wiring
    "wiring_endpoint", "wiring_protocol", "wiring_http_path", "wiring_export_disabled", "wiring_not_checked",
    # ... and from the collector and Grafana to the backends
    "wiring_backend_endpoint", "wiring_backend_tls", "wiring_datasource", "wiring_secret_reference",
    # security
    "security_plaintext_credentials", "security_beyla_privileged", "security_image_unpinned", "security_backend_credentials",
    # fleets: ApplicationSets expanded offline per cluster
    "fleet_selector_no_match", "fleet_template_error", "fleet_cannot_expand", "fleet_matrix_generator",
    "fleet_name_collision", "fleet_argocd_version", "fleet_in_cluster_selector", "fleet_annotation_index", "fleet_application_name",
    "fleet_live_generator",
    # the engine's own
    "suppression_invalid", "knowledge_not_checked",
)


@dataclass(frozen=True)
class RuleInfo:
    id: str
    severity: Severity
    group: str
    summary: str
    doc: str
    module: ModuleType

    def check(self, ctx):
        check = getattr(self.module, "check", None)
        # Modules without check() report what the loaders (or the engine) found under their id.
        return check(ctx) if check is not None else ctx.load_problems(self.id)


@lru_cache(maxsize=1)
def all_rules() -> tuple[RuleInfo, ...]:
    rules = []
    for name in RULE_MODULES:
        module = importlib.import_module(f"otelstack.validate.rules.{name}")
        doc = (module.__doc__ or "").strip()
        # The docstring is the rule's documentation; its first line is the summary `otelstack rules` shows.
        rules.append(RuleInfo(module.ID, Severity(module.SEVERITY), module.GROUP, doc.splitlines()[0], doc, module))
    ids = [r.id for r in rules]
    assert len(ids) == len(set(ids)), "duplicate rule id"
    return tuple(rules)


def by_id() -> dict[str, RuleInfo]:
    return {rule.id: rule for rule in all_rules()}
