"""An OTLP endpoint whose target the tree cannot tell about: not checked, and why.

Said instead of an error when nothing in the checked tree is meant by the endpoint — a collector
deployed from another repository — or when the collector it names has no known namespace (its
namespace comes from a deployer otelstack does not read). Validate that part together with the
tree that deploys the collector, or give the collector its namespace.

Problematic (informational):
    exporter:
      endpoint: http://otlp-ingest.telemetry.svc.cluster.local:4317   # no collector of this tree there
Correct:
    # validate the tree that deploys otlp-ingest together with this one
"""

from otelstack.validate.finding import Problem
from otelstack.validate.rules._clients import clients, known, resolve
from otelstack.validate.rules.base import Context

ID = "wiring-not-checked"
SEVERITY = "info"
GROUP = "wiring"


def check(ctx: Context):
    for client in clients(ctx):
        if not (known(client.endpoint) and isinstance(client.endpoint, str)):
            continue
        resolution = resolve(ctx, client)
        if resolution.status == "outside":
            yield Problem(client.location,
                          f"{client.what}: {resolution.target.host} is not a Service of any collector in the checked tree "
                          "(one deployed elsewhere?): not checked",
                          "validate the tree that deploys it together with this one to check the wiring")
        elif resolution.status == "unmodelled":
            yield Problem(client.location,
                          f"{client.what}: Service {resolution.service}.{resolution.namespace} is written in the tree; otelstack "
                          "models the Services the operator and the collector chart create, not this one: not checked",
                          "otelstack checks the wiring to OpenTelemetryCollector resources and opentelemetry-collector chart releases")
        elif resolution.status == "namespace-unknown":
            yield Problem(client.location,
                          f"{client.what}: collector {resolution.candidate.name} could be {resolution.target.host}, but its namespace is "
                          "not known here (no metadata.namespace, no deploying application otelstack reads): not checked",
                          "set metadata.namespace on the collector, or validate it with what deploys it")
