"""A key set twice in one YAML mapping: the later value wins silently.

Kubernetes, Helm and Argo CD all keep the last value without a word, so the first one is a
change that never takes effect.

Problematic:
    env:
      OTEL_EXPORTER_OTLP_PROTOCOL: grpc
      OTEL_EXPORTER_OTLP_PROTOCOL: http/protobuf
Correct:
    env:
      OTEL_EXPORTER_OTLP_PROTOCOL: grpc
"""

ID = "yaml-duplicate-key"
SEVERITY = "warning"
GROUP = "syntax"

# No check(): found while loading files (or by the engine) and reported under this id.
