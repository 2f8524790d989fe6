local receivers = { otlp: { protocols: { grpc: { endpoint: '0.0.0.0:4317' } } } };
{
  apiVersion: 'opentelemetry.io/v1beta1',
  kind: 'OpenTelemetryCollector',
  metadata: { name: 'gateway', namespace: 'otel' },
  spec: {
    config: {
      receivers: receivers,
      exporters: { debug: {} },
      service: { pipelines: { traces: { receivers: ['otlp'], exporters: ['debug'] } } },
    },
  },
}
