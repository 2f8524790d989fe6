"""Beyla wherever the tree runs it: the Beyla Helm chart (an Argo CD source or a helm_release), or a
DaemonSet/Deployment (YAML, Terraform, rendered) whose container runs a Beyla image. Each gives the
same view to the rules — its environment, its configuration file (the chart's `config.data`, or
the ConfigMap its container mounts at BEYLA_CONFIG_PATH), whether it runs privileged, its version."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterator

from otelstack.source import Located, Location, Unknown, is_unknown, shown
from otelstack.validate.model import Application, AppSource, KubeObject
from otelstack.validate.mounts import config_maps_of, mounted_config as _mounted_config
from otelstack.validate.rules.base import Context, chart_version

WORKLOAD_KINDS = {"DaemonSet", "Deployment", "StatefulSet", "Pod"}
BEYLA_IMAGE = re.compile(r"(^|/)beyla(:|@|$)")
CONFIG_ENV = "BEYLA_CONFIG_PATH"


@dataclass
class Beyla:
    what: str  # "application beyla" / "DaemonSet ebpf-agent"
    location: Location  # where a finding about the whole deployment goes
    namespace: Any
    cluster: str
    scope: tuple[str, str]
    env: dict[str, tuple[Any, Location]] = field(default_factory=dict)  # name -> (value, where); valueFrom is unknown
    config: Located | None = None  # Beyla's configuration file, when the tree holds it
    config_unknown: bool = False  # a configuration is given but cannot be read here
    version: str | None = None  # the Beyla release deployed, when known
    version_note: str = ""  # how the version is known (the appVersion of chart 1.4.13, image.tag, image grafana/beyla:1.8.8)
    unchecked: str = ""  # why its configuration cannot be checked against its release ("" when it can)
    privileged: Any = None  # True/False/Unknown, None when not said
    privileged_location: Location | None = None
    app: Application | None = None
    source: AppSource | None = None
    obj: KubeObject | None = None


def deployments(ctx: Context) -> list[Beyla]:
    cached = ctx._cache.get("beyla")
    if cached is None:
        cached = list(_charts(ctx)) + list(_workloads(ctx))
        ctx._cache["beyla"] = cached
    return cached


# The Beyla chart --------------------------------------------------------------------------------


def _charts(ctx: Context) -> Iterator[Beyla]:
    for app, source in ctx.chart_sources("beyla"):
        values = source.values
        beyla = Beyla(f"application {app.label}", app.key_loc(*source.base), app.destination_namespace, app.cluster, app.scope,
                      app=app, source=source)
        version, how = chart_version(source)
        tag = values.get(("image", "tag")) if values is not None else None
        if is_unknown(tag):
            beyla.version_note, beyla.unchecked = "image.tag", "image.tag is only known at apply time"
        elif isinstance(tag, (str, int, float)) and str(tag).strip():
            _release(beyla, str(tag).strip(), "image.tag")
        elif version is not None:
            app_version = source.knowledge.app_version(version) if source.knowledge is not None else None
            if app_version is None:
                beyla.version_note, beyla.unchecked = f"chart {version}", f"no data for Beyla chart {version}"
            else:
                _release(beyla, app_version, f"the appVersion of chart {version}")
        else:
            beyla.version_note, beyla.unchecked = how, f"the chart version is not known ({how})"
        if source.values_unknown:
            beyla.config_unknown = True
            yield beyla
            continue
        if values is not None:
            env = values.get(("env",))
            for name, value in (env.items() if isinstance(env, dict) else ()):
                beyla.env[str(name)] = (value, values.location(("env", name)))
            from_secret = values.get(("envValueFrom",))
            for name in (from_secret if isinstance(from_secret, dict) else ()):
                beyla.env.setdefault(str(name), (Unknown(f"{name} from envValueFrom"), values.location(("envValueFrom", name))))
            data = values.get(("config", "data"))
            if isinstance(data, dict):
                beyla.config = values.sub(("config", "data"))
            elif data is not None:
                beyla.config_unknown = True
        has_switch = version is None or source.knowledge is None or source.knowledge.key(("privileged",)) is None or \
            source.knowledge.key_exists_in(source.knowledge.key(("privileged",)), version) is not False
        path = ("privileged",) if has_switch else ("securityContext", "privileged")
        written = values is not None and values.get(path) is not None
        beyla.privileged = values.get(path) if written else True  # the chart's default: privileged
        beyla.privileged_location = values.location(path) if written else beyla.location
        yield beyla


def _release(beyla: Beyla, version: str, how: str) -> None:
    from otelstack.knowledge.beyla_config import knowledge

    beyla.version, beyla.version_note = version.lstrip("v"), how
    data = knowledge()
    if not data.knows(beyla.version):
        first, last = data.coverage()
        beyla.unchecked = f"no data for Beyla {beyla.version} (otelstack's data covers {first} to {last})"


# Raw workloads ------------------------------------------------------------------------------------


def _workloads(ctx: Context) -> Iterator[Beyla]:
    config_maps = config_maps_of(ctx.platform.objects)
    for obj in ctx.platform.objects:
        if obj.kind not in WORKLOAD_KINDS:
            continue
        pod = ("spec",) if obj.kind == "Pod" else ("spec", "template", "spec")
        containers = obj.doc.get(pod + ("containers",))
        for index, container in enumerate(containers if isinstance(containers, list) else []):
            image = container.get("image") if isinstance(container, dict) else None
            if not (isinstance(image, str) and BEYLA_IMAGE.search(image.split("@")[0].rsplit(":", 1)[0] + ":")):
                continue
            yield _workload(obj, pod, index, container, image, config_maps)


def _workload(obj: KubeObject, pod: tuple, index: int, container: dict, image: str, config_maps) -> Beyla:
    base = pod + ("containers", index)
    beyla = Beyla(f"{obj.kind} {shown(obj.name)}", obj.doc.key_location(base), obj.namespace, obj.scope[0], obj.scope, obj=obj)
    tag = image.split("@")[0].rsplit("/", 1)[-1].partition(":")[2]
    if tag and tag != "latest":
        _release(beyla, tag, f"image {image}")
    else:
        beyla.version_note, beyla.unchecked = f"image {image}", f"image {image} names no release"
    env = container.get("env")
    for position, item in enumerate(env if isinstance(env, list) else []):
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            value = item.get("value") if "value" in item else Unknown(f"{item['name']} from valueFrom")
            beyla.env.setdefault(item["name"], (value, obj.doc.location(base + ("env", position, "value" if "value" in item else "name"))))
    privileged = obj.doc.get(base + ("securityContext", "privileged"))
    if privileged is not None:
        beyla.privileged, beyla.privileged_location = privileged, obj.doc.location(base + ("securityContext", "privileged"))
    path = _config_path(container, beyla.env)
    if path is not None:
        if is_unknown(path):
            beyla.config_unknown = True
        else:
            beyla.config, beyla.config_unknown = _mounted_config(obj, pod, container, path, config_maps)
    return beyla


def _config_path(container: dict, env: dict) -> Any:
    if CONFIG_ENV in env:
        return env[CONFIG_ENV][0]
    args = [a for a in (container.get("args") or []) + (container.get("command") or []) if isinstance(a, str)] \
        if isinstance(container.get("args") or [], list) and isinstance(container.get("command") or [], list) else []
    for position, arg in enumerate(args):
        for flag in ("-config", "--config"):
            if arg == flag and position + 1 < len(args):
                return args[position + 1]
            if arg.startswith(flag + "="):
                return arg.split("=", 1)[1]
    return None
