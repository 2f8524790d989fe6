"""What a workload or release reads from other objects of the tree: the ConfigMap key behind a path
its pod mounts (Beyla's configuration file, a collector's --config), the values a Flux HelmRelease
takes from a ConfigMap."""

from __future__ import annotations

import posixpath

from otelstack.source import Located
from otelstack.validate.model import KubeObject, load_embedded


def config_maps_of(objects) -> dict:
    """(namespace, name) -> ConfigMap object of the tree."""
    return {(obj.namespace, obj.name): obj for obj in objects if obj.kind == "ConfigMap"}


def named(index: dict, namespace, name) -> KubeObject | None:
    """The object `namespace/name` of an index by (namespace, name); one written without a namespace is
    applied into the namespace of what uses it (kubectl apply -n, a kustomization's namespace)."""
    return index.get((namespace, name)) or index.get((None, name))


def config_map_document(holder: KubeObject, key) -> Located | None:
    """The YAML mapping under a ConfigMap's data key, located where it is written (a key kustomize made
    from a file, in that file; one written inline, at its lines)."""
    text = holder.doc.get(("data", key))
    if not isinstance(text, str):
        return None
    loaded = load_embedded(text, holder.file, holder.doc.location(("data", key)))
    return loaded.documents[0] if loaded.documents and isinstance(loaded.documents[0].data, dict) else None


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
        holder = named(config_maps, obj.namespace, config_map.get("name"))
        document = config_map_document(holder, key) if holder is not None else None
        return document, document is None
    return None, True

