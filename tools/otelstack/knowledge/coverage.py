"""What the data files cover: the version ranges of every chart, collector distribution, Beyla,
the operator and the Terraform provider, with where each came from (`otelstack doctor --data`)."""

from __future__ import annotations

from dataclasses import dataclass

from otelstack import resources, versions


@dataclass(frozen=True)
class Coverage:
    subject: str  # what is covered
    first: str
    last: str
    count: int  # versions with data
    file: str  # data file (under tools/otelstack/data)
    upstream: str  # repositories it was generated from
    generator: str


def _span(items) -> tuple[str, str, int]:
    ordered = sorted((str(v) for v in items), key=lambda v: versions.parse(v) or (0, 0, 0))
    return (ordered[0], ordered[-1], len(ordered)) if ordered else ("-", "-", 0)


def _source(data: dict) -> tuple[str, str]:
    provenance = data.get("provenance") or {}
    upstream = ", ".join(entry["repository"].removeprefix("https://github.com/") for entry in provenance.get("upstream", []))
    return upstream or "hand-written", f"{provenance.get('generator', '?')} {provenance.get('generatorVersion', '')}".strip()


def coverage() -> list[Coverage]:
    from otelstack import charts

    out: list[Coverage] = []
    for chart in charts.all_charts():
        upstream, generator = _source(chart.data)
        first, last, count = _span(chart.app_versions)
        apps = _span(chart.app_versions.values()) if chart.app_versions else ("-", "-", 0)
        subject = f"{chart.title} chart" + (f" (app {apps[0]} to {apps[1]})" if count else " (versions not catalogued)")
        out.append(Coverage(subject, first, last, count, f"charts/{chart.name}.yaml", upstream, generator))
    components = resources.data_yaml("collector", "components.yaml")
    upstream, generator = _source(components)
    for distribution in components.get("distributions", []):
        releases = [r for r in components["releases"] if _has_any(components["components"], distribution, str(r))]
        first, last, count = _span(releases)
        out.append(Coverage(f"collector {distribution} distribution (components)", first, last, count,
                            "collector/components.yaml", upstream, generator))
    settings = resources.data_yaml("collector", "config.yaml")
    contrib = settings.get("contrib")
    if contrib:
        kinds = sorted({kind for kinds in contrib["components"].values() for kind in kinds})
        releases = [v for v in settings["versions"] if versions.at_least(str(v), str(contrib["first"]))
                    and (versions.parse(str(v)) or (0, 0, 0))[:2] <= (versions.parse(str(contrib["last"])) or (0, 0, 0))[:2]]
        out.append(Coverage(f"collector contrib component settings ({', '.join(kinds)})", str(contrib["first"]),
                            str(contrib["last"]), len(releases), "collector/config.yaml", "aws-observability/aws-otel-collector (vendored contrib, hand-established)",
                            _source(settings)[1]))
    provider = resources.data_yaml("terraform", "argocd-provider.yaml")
    for subject, parts, key in (
        ("collector core component settings", ("collector", "config.yaml"), "versions"),
        ("OpenTelemetry Collector chart as a collector (config, presets, Service)", ("collector", "chart.yaml"), "versions"),
        ("Beyla configuration", ("beyla", "releases.yaml"), "versions"),
        ("OpenTelemetry Operator defaults", ("operator", "defaults.yaml"), "releases"),
        (f"argoproj-labs/argocd provider ({len(provider['resources'])} resources)", ("terraform", "argocd-provider.yaml"), "versions"),
    ):
        data = resources.data_yaml(*parts)
        upstream, generator = _source(data)
        first, last, count = _span(data[key])
        file = "beyla/config.yaml" if parts == ("beyla", "releases.yaml") else "/".join(parts)
        out.append(Coverage(subject, first, last, count, file, upstream, generator))
    return out


def _has_any(components: dict, distribution: str, release: str) -> bool:
    for kinds in components.values():
        for entry in kinds.values():
            spans = entry.get(distribution)
            for span in [spans] if isinstance(spans, dict) else spans or []:
                if versions.at_least(release, span.get("since", "0.0.0")) and not (
                        span.get("removed") and versions.at_least(release, span["removed"])):
                    return True
    return False
