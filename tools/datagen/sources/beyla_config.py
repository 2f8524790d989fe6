"""Grafana Beyla's configuration file: keys, types and environment variables per Beyla release.

Reads the Go struct `Config` of package pkg/beyla (and every struct it reaches, across the
repository and its vendor/ folder) at each release tag, through its `yaml:"..."` and
`env:"..."` tags (datagen.gostructs). Beyla decodes the file with yaml.v3 and then applies the
environment (caarlos0/env): a variable that is set wins over the file.
"""

from __future__ import annotations

from datagen import DataFile, gostructs, hand, ranges, schemamerge
from datagen.upstream import UpstreamRepo

VERSION = 1
REPOSITORIES = ("grafana/beyla",)
HAND = ("beyla.yaml",)
MIN_VERSION = "1.5.0"  # the Beyla of the first published chart (1.0.0 -> Beyla 1.5.2)
ROOT = ("pkg/beyla", "Config")

RELEASES_HEADER = """\
The Beyla releases beyla/config.yaml covers (its since/until refer to these)."""

HEADER = """\
Beyla's configuration file (beyla-config.yml) per Beyla release (releases.yaml), from its Go config
structs. A key: `type` (object with `keys`, list with `items`, map with `values`, string, integer,
number, boolean, duration, scalar: any single value, any: not checked), `env`: the environment
variable that sets it, `enum`: the values its type declares; `since`/`until`: first/last Beyla
release with the key (inherited by children). A property that changed is a list of {value, since,
until}. `unresolved`: types from modules not in the repository at that release (not checked)."""


def generate(repo: UpstreamRepo) -> dict[str, DataFile]:
    known = hand("beyla.yaml")
    tags = ranges.release_tags(repo.tags(), "v", MIN_VERSION)
    versions = [version for version, _ in tags]
    cache: dict = {}
    nodes = []
    unresolved: dict[str, list[str]] = {}
    for version, tag in tags:
        tree = gostructs.GoTree(repo, tag, gostructs.module_path(repo, tag), cache)
        nodes.append(gostructs.StructReader(tree).read(*ROOT))
        for name in sorted(tree.unresolved):
            unresolved.setdefault(name, []).append(version)
    merged = schemamerge.merge(nodes, versions)
    data = {
        "precedence": known["precedence"],
        "config": merged,
        "unresolved": {name: ranges.inclusive_spans([v in found for v in versions], versions)
                       for name, found in sorted(unresolved.items())},
    }
    return {"beyla/config.yaml": DataFile(data, HEADER),
            # apart, so asking whether a release is covered does not load the whole schema
            "beyla/releases.yaml": DataFile({"versions": versions}, RELEASES_HEADER)}
