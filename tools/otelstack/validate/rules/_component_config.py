"""Collector component settings against the component's configuration keys at the image's release
(shared by collector-component-config and collector-deprecated)."""

from __future__ import annotations

from dataclasses import dataclass

from otelstack.knowledge import schema as configschema
from otelstack.source import Located
from otelstack.validate.model import Collector
from otelstack.validate.rules._collector import SECTIONS, configs, defined
from otelstack.validate.rules._knowledge import collector_image
from otelstack.validate.rules.base import Context


@dataclass(frozen=True)
class SettingIssue:
    collector: Collector
    config: Located
    section: str
    name: str  # component id (type[/name])
    release: str  # the core release whose Config struct applies
    issue: configschema.Issue


def setting_issues(ctx: Context) -> list[SettingIssue]:
    if "setting-issues" in ctx._cache:
        return ctx._cache["setting-issues"]
    from otelstack.knowledge.collector import configs as component_configs

    data = component_configs()
    found: list[SettingIssue] = []
    for collector, config in configs(ctx):
        image = collector_image(ctx, collector)
        release = data.release_for(image.version) if image.version else None
        if release is None:
            continue
        for section in SECTIONS:
            for name, settings in defined(config, section).items():
                schema = data.schema(section, name.split("/", 1)[0], release)
                if schema is None or not isinstance(settings, dict):
                    continue  # knowledge-not-checked says so (unchecked_settings)
                for issue in configschema.check(schema, settings, release, split_strings=True):
                    found.append(SettingIssue(collector, config, section, name, release, issue))
    ctx._cache["setting-issues"] = found
    return found


def location(item: SettingIssue):
    path = (item.section, item.name) + item.issue.path
    value = item.config.get(path)
    if item.issue.kind in ("unknown", "absent", "deprecated") or isinstance(value, (dict, list)):
        return item.config.key_location(path)
    return item.config.location(path)


@dataclass(frozen=True)
class UncheckedSettings:
    collector: Collector
    config: Located
    section: str
    name: str  # the first component id of this type in the section
    release: str
    reason: str


def unchecked_settings(ctx: Context) -> list[UncheckedSettings]:
    """Components (once per collector, section and type) with settings that are not checked although
    the image's release is known: no data for the type, or a contrib release outside the data.
    Empty settings (`{}`) leave nothing unchecked; components missing from the image are left to
    collector-component-not-in-image."""
    from otelstack.knowledge.collector import configs as component_configs
    from otelstack.validate.rules._knowledge import components_at_release

    data = component_configs()
    found: list[UncheckedSettings] = []
    seen: set[tuple[int, str, str]] = set()
    for collector, config, image, section, name, status in components_at_release(ctx):
        kind = name.split("/", 1)[0]
        release = data.release_for(image.version)
        if release is None or image.unchecked or not status.present or (id(collector), section, kind) in seen:
            continue
        settings = defined(config, section).get(name)
        if not (isinstance(settings, dict) and settings) or not collector.written((section, name)):
            continue  # nothing to check, or the chart's own default (its settings are the chart's)
        seen.add((id(collector), section, kind))
        reason = data.unchecked(section, kind, release)
        if reason:
            found.append(UncheckedSettings(collector, config, section, name, release, reason))
    return found
