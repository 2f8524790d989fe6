"""The cluster questions the in-cluster checks ask, answered with the kubernetes Python client.
Tests use a fake with the same methods."""

from __future__ import annotations

from typing import Protocol

from otelstack import wiring


class ClusterAPI(Protocol):
    def ready(self, kind: str, namespace: str, name: str) -> tuple[int, int]: ...

    def job_succeeded(self, namespace: str, name: str) -> bool | None: ...

    def collector_logs(self, namespace: str, name: str) -> str: ...


class KubernetesAPI:
    """Real cluster access from a kubeconfig file (imported lazily: the client is heavy)."""

    def __init__(self, kubeconfig: str) -> None:
        from kubernetes import client, config

        api_client = config.new_client_from_config(config_file=kubeconfig)
        self.core = client.CoreV1Api(api_client)
        self.apps = client.AppsV1Api(api_client)
        self.batch = client.BatchV1Api(api_client)

    def ready(self, kind: str, namespace: str, name: str) -> tuple[int, int]:
        from kubernetes.client.exceptions import ApiException

        try:
            if kind == "daemonset":
                status = self.apps.read_namespaced_daemon_set_status(name, namespace).status
                return status.number_ready or 0, status.desired_number_scheduled or 0
            read = self.apps.read_namespaced_stateful_set_status if kind == "statefulset" else self.apps.read_namespaced_deployment_status
            obj = read(name, namespace)
            return obj.status.ready_replicas or 0, obj.spec.replicas or 0
        except ApiException as exc:
            if exc.status == 404:
                return 0, 0
            raise

    def job_succeeded(self, namespace: str, name: str) -> bool | None:
        status = self.batch.read_namespaced_job_status(name, namespace).status
        if status.succeeded:
            return True
        return False if status.failed and not status.active else None

    def collector_logs(self, namespace: str, name: str) -> str:
        pods = self.core.list_namespaced_pod(namespace, label_selector=wiring.collector_pod_selector(name, namespace)).items
        return "\n".join(
            self.core.read_namespaced_pod_log(pod.metadata.name, namespace, container=wiring.COLLECTOR_CONTAINER)
            for pod in pods
        )
