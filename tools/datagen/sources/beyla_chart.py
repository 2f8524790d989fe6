"""The Grafana Beyla Helm chart (grafana/beyla, charts/beyla): values keys per chart version.

Chart versions come from the history of charts/beyla/Chart.yaml on main: a version is published
from the first commit that carries it (the chart-releaser tag `beyla-<version>` where one exists).
Git tags of the Beyla repository map to the chart found under charts/beyla at that tag (a git
source at an application tag deploys that chart, with its own appVersion).
"""

from __future__ import annotations

import yaml

from datagen import DataFile, hand, helmchart, ranges
from datagen.upstream import UpstreamRepo

VERSION = 1
REPOSITORIES = ("grafana/beyla",)
HAND = ("charts.yaml",)
OUTPUT = "charts/beyla.yaml"
CHART = "beyla"
PATH = "charts/beyla"
BRANCH = "main"

HEADER = """\
Chart knowledge: Grafana Beyla (chart `beyla`), from the chart's Chart.yaml, values.yaml and
templates at every published version. `since`/`until`: first/last chart version that has a key
(inherited by children). `renderedSince`: first version whose templates use the key; `rendered:
false`: no version does. `items`/`values`: type of list items / map values; `k8s:<definition>`
names a Kubernetes API definition. `type: map` is free-form (keys not checked).
The chart ships no values.schema.json: Helm itself accepts unknown keys and wrong types."""


def published(repo: UpstreamRepo) -> list[tuple[str, str]]:
    """(chart version, commit or tag) in publication order."""
    first: dict[str, str] = {}
    for commit in reversed(repo.log(BRANCH, f"{PATH}/Chart.yaml")):
        chart = yaml.safe_load(repo.show(commit, f"{PATH}/Chart.yaml") or "null")
        if isinstance(chart, dict) and chart.get("version"):
            first.setdefault(str(chart["version"]), commit)
    tags = set(repo.tags())
    out = []
    for version, commit in first.items():
        tag = f"{CHART}-{version}"
        out.append((version, tag if tag in tags else commit))
    return sorted(out, key=lambda pair: ranges.parse(pair[0]) or (0, 0, 0))


def generate(repo: UpstreamRepo) -> dict[str, DataFile]:
    known = hand("charts.yaml")[CHART]
    snapshots = [snap for _, ref in published(repo) if (snap := helmchart.snapshot(repo, ref, PATH)) is not None]
    data = helmchart.chart_data(CHART, known, snapshots)
    git_tags = {}
    for tag in repo.tags():
        if not tag.startswith("v"):
            continue
        chart = yaml.safe_load(repo.show(tag, f"{PATH}/Chart.yaml") or "null")
        if isinstance(chart, dict):
            git_tags[tag] = {"chart": str(chart["version"]), "appVersion": str(chart.get("appVersion", ""))}
    data["gitTags"] = git_tags
    return {OUTPUT: DataFile(data, HEADER)}
