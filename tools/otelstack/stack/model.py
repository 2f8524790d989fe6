"""One environment's resolved stack: the stack definition with that environment's overrides applied."""

from __future__ import annotations

from dataclasses import dataclass

from otelstack.source import DocumentView, Located

DEFAULT_MODULE_SOURCE = "../../modules/otelstack"
DEFAULT_PROVIDER_VERSION = "~> 7.0"
DEFAULT_KUBERNETES_VERSION = "1.32"
DEFAULT_ARGOCD_VERSION = "2.13"


@dataclass
class Stack(DocumentView):
    environment: str
    doc: Located  # merged document, locations point into the stack file
    stack_file: str  # path of the stack definition, relative to the repo root
    cluster: str = ""  # set for one cluster of a fleet environment

    @property
    def data(self) -> dict:
        return self.doc.data

    # Component views -------------------------------------------------------------------------
    @property
    def collector(self) -> dict:
        return self.data["collector"]

    @property
    def beyla(self) -> dict:
        return self.data["beyla"]

    @property
    def operator(self) -> dict:
        return self.data["operator"]

    @property
    def cert_manager(self) -> dict:
        return self.data.get("certManager") or {"enabled": False}

    @property
    def instrumentation(self) -> dict:
        return self.data.get("instrumentation") or {"enabled": False}

    @property
    def cert_manager_enabled(self) -> bool:
        return bool(self.cert_manager.get("enabled"))

    def backend(self, component: str) -> dict | None:
        """An enabled backend section (tempo, prometheus, grafana), else None: they are off by default."""
        section = self.data.get(component)
        return section if isinstance(section, dict) and section.get("enabled") else None

    @property
    def hosted_backend(self) -> dict | None:
        section = self.data.get("hostedBackend")
        return section if isinstance(section, dict) and section.get("enabled") else None

    @property
    def external_secrets(self) -> set[tuple[str, str]]:
        """(namespace, name) of the Secrets this stack references but never renders: they are created
        outside the repository (the hosted backend's credentials, Grafana's admin account)."""
        found = set()
        hosted = self.hosted_backend
        if hosted and hosted.get("secret"):
            found.add((self.collector["namespace"], hosted["secret"]))
        grafana = self.backend("grafana")
        if grafana:
            found.add((grafana["namespace"], grafana["adminSecret"]))
        return found

    @property
    def module_source(self) -> str:
        return self.get("terraform", "moduleSource", default=DEFAULT_MODULE_SOURCE)

    @property
    def fleet_module_source(self) -> str:
        """The fleet module, beside the single-cluster one (same repository, same ref)."""
        default = self.module_source.replace("modules/otelstack", "modules/otelstack-fleet", 1)
        return self.get("terraform", "fleetModuleSource", default=default)

    @property
    def provider_version(self) -> str:
        return self.get("terraform", "argocdProviderVersion", default=DEFAULT_PROVIDER_VERSION)

    @property
    def argocd_version(self) -> str:
        return str(self.get("argocd", "version", default=DEFAULT_ARGOCD_VERSION))

    @property
    def kubernetes_version(self) -> str:
        return str(self.get("validate", "kubernetesVersion", default=DEFAULT_KUBERNETES_VERSION))

    @property
    def smoke_namespace(self) -> str:
        return self.get("smoke", "namespace", default="demo")

    @property
    def collector_image(self) -> str:
        """Image repository the collector runs: the CR's own image, else the operator's default."""
        return str(self.collector.get("image") or self.operator["collectorImage"])

