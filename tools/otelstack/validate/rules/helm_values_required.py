"""Chart value that the pinned chart version requires and the values leave empty: the install fails.

Some charts have no usable default for a value and stop the install in a template (`fail` in
NOTES.txt) when it is empty: the opentelemetry-collector chart from 0.89.0 has no default
`image.repository`, and every version needs `mode`. Argo CD then reports the sync as failed, a
`helm_release` fails at apply. The data says which values, per chart version
(tools/otelstack/data/charts/, `defaults` with the note "empty: the install fails"). The operator
chart's `manager.collectorImage.repository` has its own rule (operator-collector-image).

Problematic (collector chart 0.110.0):
    values: {mode: deployment}
Correct:
    values: {mode: deployment, image: {repository: otel/opentelemetry-collector-k8s}}
"""

from otelstack.source import is_unknown
from otelstack.validate.finding import Problem
from otelstack.validate.rules.base import Context, chart_version

ID = "helm-values-required"
SEVERITY = "error"
GROUP = "helm"

OWN_RULE = {"opentelemetry-operator"}  # operator-collector-image says it for the operator chart


def check(ctx: Context):
    for app in ctx.platform.applications:
        for source in app.sources:
            knowledge = source.knowledge
            if knowledge is None or knowledge.name in OWN_RULE or source.values_unknown:
                continue
            version, _ = chart_version(source)
            if version is None:
                continue
            for key, note in knowledge.required(version):
                value = source.values.get(tuple(key.split("."))) if source.values is not None else None
                if is_unknown(value) or (value is not None and value != ""):
                    continue
                yield Problem(app.loc(*source.base, "targetRevision"),
                              f"application {app.label}: {knowledge.title} chart {version} needs {key}, which the values leave "
                              "empty: the chart stops the install",
                              f"set {key} in the values" + (f" ({detail})" if (detail := _detail(note)) else ""))


def _detail(note: str) -> str:
    """What the data's note adds to "the install fails": `mode` must be one of ..."""
    rest = note.removeprefix("empty: the install fails").strip()
    return rest.strip("()") if rest.startswith("(") else ""
