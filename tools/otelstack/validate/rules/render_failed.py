"""A Jsonnet file, kustomization or local Helm chart that its engine fails to render.

Argo CD renders these with the same engines (go-jsonnet, `kustomize build`, `helm template`) and
fails the sync with the same error; nothing the folder holds is deployed. otelstack runs the real
engine offline: a failure that comes from something outside the tree (a remote base, a chart
download, an input no application gives) is not this finding but a skipped file with the reason.

Problematic:
    # collectors/edge.jsonnet
    { apiVersion: 'opentelemetry.io/v1beta1', kind: 'OpenTelemetryCollector', metadata: { name: 'edge' }
Correct:
    { apiVersion: 'opentelemetry.io/v1beta1', kind: 'OpenTelemetryCollector', metadata: { name: 'edge' } }
"""

ID = "render-failed"
SEVERITY = "error"
GROUP = "syntax"

# No check(): found while loading files (or by the engine) and reported under this id.
