"""What a container reads from the files its pod mounts: the ConfigMap key behind a path (Beyla's
configuration file, a collector's --config)."""

from __future__ import annotations

import posixpath

from otelstack.source import Located
from otelstack.validate.model import KubeObject, load_embedded


def config_maps_of(objects) -> dict:
    """(namespace, name) -> ConfigMap object of the tree."""
    return {(obj.namespace, obj.name): obj for obj in objects if obj.kind == "ConfigMap"}


def mounted_config(obj: KubeObject, pod: tuple, container: dict, path: str, config_maps) -> tuple[Located | None, bool]:
    """The ConfigMap key a container reads at `path`, through its volume mounts: (config, unknown)."""
    volumes = {v.get("name"): v for v in (obj.doc.get(pod + ("volumes",)) or []) if isinstance(v, dict)}
    for mount in container.get("volumeMounts") or []:
        if not isinstance(mount, dict) or not isinstance(mount.get("mountPath"), str):
            continue
        mount_path = mount["mountPath"].rstrip("/")
        if isinstance(mount.get("subPath"), str) and path == mount_path:
            relative = mount["subPath"]
        elif path.startswith(mount_path + "/"):
            relative = path[len(mount_path) + 1:]
        else:
            continue
        volume = volumes.get(mount.get("name")) or {}
        config_map = volume.get("configMap") if isinstance(volume.get("configMap"), dict) else None
        if config_map is None:
            return None, True  # a Secret, a hostPath, a projected volume: not in the tree
        key = posixpath.normpath(relative)
        for item in config_map.get("items") or []:
            if isinstance(item, dict) and item.get("path") == key:
                key = item.get("key")
        # a ConfigMap written without a namespace is applied beside the workload (kubectl apply -n)
        holder = config_maps.get((obj.namespace, config_map.get("name"))) or config_maps.get((None, config_map.get("name")))
        if holder is None or not isinstance(holder.doc.get(("data", key)), str):
            return None, True
        # a key kustomize made from a file is read in that file; one written inline, at its lines
        loaded = load_embedded(holder.doc.get(("data", key)), holder.file, holder.doc.location(("data", key)))
        if loaded.documents and isinstance(loaded.documents[0].data, dict):
            return loaded.documents[0], False
        return None, True
    return None, True

