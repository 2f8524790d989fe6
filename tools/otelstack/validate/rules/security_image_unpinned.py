"""Container image without a pinned tag or digest.

The same manifest then runs different code on different nodes and days, and a rollback does not
roll back.

Problematic:
    image: python
    image: otel/opentelemetry-collector:latest
Correct:
    image: python:3.12.7-slim
    image: otel/opentelemetry-collector:0.113.0
"""

from otelstack.memo import ContentCache
from otelstack.source import is_unknown
from otelstack.validate.finding import Problem
from otelstack.validate.rules.base import Context

ID = "security-image-unpinned"
SEVERITY = "warning"
GROUP = "security"


def unpinned(image: str) -> bool:
    if "@sha256:" in image:
        return False
    last = image.rsplit("/", 1)[-1]
    return ":" not in last or last.rsplit(":", 1)[1] in ("latest", "")


def check(ctx: Context):
    for obj in ctx.platform.objects:
        for path, image in _IMAGES.get((), obj.doc.data, lambda: list(_images(obj.doc.data, ()))):
            if unpinned(image):
                yield Problem(obj.doc.location(path), f"{obj.kind} {obj.name}: image {image!r} is not pinned to a version or digest",
                              "use an exact tag or a digest")
    for app in ctx.platform.applications:
        for source in app.sources:
            values = source.values
            tag = values.get(("image", "tag")) if values is not None else None
            # an empty tag is the chart's own default (its appVersion), pinned by the chart version
            if isinstance(tag, str) and tag.strip() == "latest":
                yield Problem(values.location(("image", "tag")), f"application {app.label}: image.tag {tag!r} is not a pinned version",
                              "use the chart's default (its appVersion) or an exact tag")


# An Instrumentation's auto-instrumentation images (spec.<language>.image): injected into every pod it instruments.
INSTRUMENTATION_LANGUAGES = ("java", "nodejs", "python", "dotnet", "go", "apacheHttpd", "nginx")

_IMAGES = ContentCache()  # a fleet's per-cluster manifests are alike


def _images(node, path):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "image" and isinstance(value, str) and not is_unknown(value) and (
                    "containers" in path or "initContainers" in path or path[-1:] == ("spec",)
                    or len(path) == 2 and path[0] == "spec" and path[1] in INSTRUMENTATION_LANGUAGES):
                yield path + (key,), value
            elif isinstance(value, (dict, list)):
                yield from _images(value, path + (key,))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _images(item, path + (index,))
