"""The Tempo chart (grafana-community/helm-charts, charts/tempo): app versions, its Service, defaults."""

from datagen.sources import _grafana_community

VERSION = 1
REPOSITORIES = ("grafana-community/helm-charts",)
HAND = ("backends.yaml",)


def generate(repo):
    return _grafana_community.generate(repo, "tempo")
