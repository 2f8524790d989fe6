{
  apiVersion: 'opentelemetry.io/v1beta1',
  kind: 'OpenTelemetryCollector',
  metadata: { name: 'gateway', namespace: 'otel' },
  spec: { mode: },  # expect: render-failed
}
