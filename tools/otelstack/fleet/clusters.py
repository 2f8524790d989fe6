"""Clusters as the ApplicationSet controller's cluster generator sees them: registered ones (a
cluster Secret, an `argocd_cluster`, a stack's cluster) and the built-in in-cluster target, and
label selectors over them."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from otelstack.fleet.functions import normalize
from otelstack.fleet.govalues import StrMap
from otelstack.source import Location

IN_CLUSTER_SERVER = "https://kubernetes.default.svc"
IN_CLUSTER_NAME = "in-cluster"
SECRET_TYPE_LABEL = "argocd.argoproj.io/secret-type"


@dataclass(frozen=True)
class ClusterTarget:
    """A cluster Argo CD knows: registered (a cluster Secret or argocd_cluster) or the built-in in-cluster one."""

    name: str
    server: str
    labels: tuple[tuple[str, str], ...] = ()
    annotations: tuple[tuple[str, str], ...] = ()
    registered: bool = True
    location: Location | None = None
    project: str = ""

    @classmethod
    def of(cls, name: str, server: str, labels: Any, annotations: Any, location: Location | None = None) -> "ClusterTarget":
        """A registered cluster from its label and annotation maps (values that are not scalars are dropped)."""
        return cls(name, server, _pairs(labels), _pairs(annotations), True, location)

    @property
    def label_map(self) -> dict[str, str]:
        return dict(self.labels)

    def secret_labels(self) -> dict[str, str]:
        """The labels of the cluster's Secret: Argo CD labels every registration it stores (read only)."""
        return _secret_labels(self)

    def params(self, go: bool = True) -> dict:
        """The cluster generator's parameters, before `values` (applicationset/generators/cluster.go)."""
        return dict(_params(self, go))  # a fresh top level: generators add `values` to it

    def _build_params(self, go: bool) -> dict:
        if not self.registered:
            return {"name": self.name, "nameNormalized": self.name, "server": self.server, "project": ""}
        params: dict[str, Any] = {"name": self.name, "nameNormalized": normalize(self.name), "server": self.server,
                                  "project": self.project}
        labels, annotations = dict(self.secret_labels()), dict(self.annotations)
        if go:
            metadata: dict[str, Any] = {}
            if annotations:
                metadata["annotations"] = StrMap(annotations)
            if labels:
                metadata["labels"] = StrMap(labels)
            params["metadata"] = metadata
        else:
            params.update({f"metadata.annotations.{k}": v for k, v in annotations.items()})
            params.update({f"metadata.labels.{k}": v for k, v in labels.items()})
        return params


@lru_cache(maxsize=65536)
def _secret_labels(cluster: ClusterTarget) -> dict[str, str]:
    labels = dict(cluster.labels)
    if cluster.registered:
        labels.setdefault(SECRET_TYPE_LABEL, "cluster")
    return labels


@lru_cache(maxsize=65536)  # every ApplicationSet of a fleet asks for the same clusters' parameters
def _params(cluster: ClusterTarget, go: bool) -> dict:
    return cluster._build_params(go)


def _pairs(mapping: Any) -> tuple[tuple[str, str], ...]:
    items = mapping.items() if isinstance(mapping, dict) else ()
    return tuple(sorted((str(k), str(v)) for k, v in items if not isinstance(v, (dict, list))))


def matches(selector: Any, labels: dict[str, str]) -> bool:
    """A Kubernetes label selector (matchLabels and matchExpressions) against a label set."""
    if not isinstance(selector, dict):
        return True
    if not isinstance(selector.get("matchLabels") or {}, dict) or not isinstance(selector.get("matchExpressions") or [], list):
        return False
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expression in selector.get("matchExpressions") or []:
        if not isinstance(expression, dict):
            return False
        key, operator, values = expression.get("key"), expression.get("operator"), expression.get("values") or []
        present = key in labels
        if operator == "In" and not (present and labels[key] in values):
            return False
        if operator == "NotIn" and present and labels[key] in values:
            return False
        if operator == "Exists" and not present:
            return False
        if operator == "DoesNotExist" and present:
            return False
        if operator in ("Gt", "Lt"):
            try:
                number, bound = int(labels.get(key, "")), int(values[0])
            except (ValueError, IndexError, TypeError):
                return False
            if not (number > bound if operator == "Gt" else number < bound):
                return False
    return True


def selector_is_empty(selector: Any) -> bool:
    return not isinstance(selector, dict) or not (selector.get("matchLabels") or selector.get("matchExpressions"))


def candidate_clusters(clusters: list[ClusterTarget]) -> list[ClusterTarget]:
    """Registered clusters plus the built-in in-cluster target when no Secret registers it."""
    found = list(clusters)
    if not any(c.server == IN_CLUSTER_SERVER for c in clusters):
        found.append(ClusterTarget(IN_CLUSTER_NAME, IN_CLUSTER_SERVER, registered=False))
    return found
