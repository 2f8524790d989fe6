"""A chart version read with `index .metadata.annotations "…"`: a cluster without it gets the newest chart.

In a Go-template ApplicationSet, `index` of a map key that is missing gives the empty string, even
with `missingkey=error` (only field access on a map fails). A cluster registered without the
annotation (or label) then gets `targetRevision: ""`: Argo CD deploys the newest chart, unreviewed.
Read the version by field access (an annotation name that is a Go identifier) so the template fails
for that cluster instead, or guard it with `required`-like logic.

Problematic:
    targetRevision: '{{ index .metadata.annotations "example.com/beyla-chart-version" }}'
Correct:
    targetRevision: '{{ .metadata.annotations.beyla_chart_version }}'   # with goTemplateOptions: [missingkey=error]
"""

import re

from otelstack.source import walk
from otelstack.validate.finding import Problem
from otelstack.validate.rules.base import Context

ID = "fleet-annotation-index"
SEVERITY = "warning"
GROUP = "fleet"

INDEX = re.compile(r"\bindex\s+\.metadata\.(annotations|labels)\s+\"([^\"]+)\"")
VERSION_FIELDS = ("targetRevision",)


def check(ctx: Context):
    for appset in ctx.platform.application_sets:
        if appset.doc.get(("spec", "goTemplate")) is not True:
            continue
        template = appset.doc.get(("spec", "template"))
        for path, value in walk(template, ("spec", "template")):
            if not (isinstance(value, str) and path and path[-1] in VERSION_FIELDS):
                continue
            match = INDEX.search(value)
            if match and "default" not in value:
                yield Problem(appset.doc.location(path),
                              f"ApplicationSet {appset.label}: {path[-1]} reads {match.group(1)[:-1]} {match.group(2)!r} with index: a cluster "
                              "without it gets an empty version, and Argo CD deploys the newest chart",
                              f"use field access ({{{{ .metadata.{match.group(1)}.<identifier> }}}}) with missingkey=error, so the template fails instead")
