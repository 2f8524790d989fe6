"""Collectors run as hand-written workloads (a Deployment, DaemonSet or StatefulSet with a collector
image): their configuration is the file `--config` names, read from the ConfigMap the pod mounts
there. They are collectors for the configuration rules (model.WorkloadCollector); their Services
are whatever the tree writes in front of them, which otelstack does not model, so wiring to them
is said not checked."""

from __future__ import annotations

import re
from typing import Any

from otelstack.source import Located
from otelstack.validate.model import KubeObject, WorkloadCollector
from otelstack.validate.mounts import mounted_config

WORKLOADS = ("Deployment", "DaemonSet", "StatefulSet")
_CONFIG_FLAG = re.compile(r"^--config(?:=(?P<value>.*))?$")


def is_collector_image(image: Any) -> bool:
    from otelstack.knowledge.collector import components

    if not isinstance(image, str) or not image.strip():
        return False
    name = image.strip().partition("@")[0]
    last = name.rsplit("/", 1)[-1]
    repository = name.rsplit(":", 1)[0] if ":" in last else name
    return components().distribution_of(repository) is not None


POD = ("spec", "template", "spec")


def collector_containers(objects: list[KubeObject]):
    """(workload, container path, container) of every container running a collector image in a
    workload of the tree (not one a Helm release renders: that is the chart's)."""
    for obj in objects:
        if obj.kind not in WORKLOADS or obj.deployers and any(d.engine == "helm" for d in obj.deployers):
            continue
        containers = obj.doc.get(POD + ("containers",))
        for index, container in enumerate(containers if isinstance(containers, list) else []):
            if isinstance(container, dict) and is_collector_image(container.get("image")):
                yield obj, POD + ("containers", index), container


def workload_collectors(objects: list[KubeObject], config_maps: dict) -> list[WorkloadCollector]:
    found = []
    for obj, where, container in collector_containers(objects):
        path = config_path(container)
        config, _ = mounted_config(obj, POD, container, path, config_maps) if path else (None, True)
        if config is not None:
            found.append(WorkloadCollector(_view(obj, where, container), config, workload=obj))
    return found


def config_path(container: dict) -> str | None:
    """The one file `--config` names (the collector's `file:` scheme or a plain path); None when there
    are several, or it is not a file (an env:, http: or yaml: source)."""
    args = [str(a) for a in (container.get("args") or []) + (container.get("command") or [])[1:] if isinstance(a, (str, int))]
    paths = []
    for index, arg in enumerate(args):
        match = _CONFIG_FLAG.match(arg)
        if match is None:
            continue
        value = match.group("value") if match.group("value") is not None else (args[index + 1] if index + 1 < len(args) else "")
        paths.append(value.removeprefix("file:"))
    return paths[0] if len(paths) == 1 and paths[0].startswith("/") else None


def _view(obj: KubeObject, container_path: tuple, container: dict) -> KubeObject:
    """The workload seen as a collector resource: its name and namespace, its container's image, its mode."""
    view = Located({"kind": f"{obj.kind} (collector)", "metadata": {"name": obj.name, "namespace": obj.namespace},
                    "spec": {"mode": obj.kind.lower(), "image": container.get("image")}}, obj.file.path)
    view.locations.update({(): obj.doc.location(), ("metadata", "name"): obj.doc.location(("metadata", "name")),
                           ("spec",): obj.doc.location(container_path), ("spec", "mode"): obj.doc.location(("kind",)),
                           ("spec", "image"): obj.doc.location(container_path + ("image",))})
    return KubeObject(view, obj.file, obj.index, obj.deployers)
