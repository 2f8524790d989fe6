// A collector built in Jsonnet: the library defines the components, the entry file the pipeline.
{
  gateway(name, namespace):: {
    apiVersion: 'opentelemetry.io/v1beta1',
    kind: 'OpenTelemetryCollector',
    metadata: { name: name, namespace: namespace },
    spec: {
      config: {
        receivers: { otlp: { protocols: { grpc: { endpoint: '0.0.0.0:4317' } } } },
        exporters: { debug: {} },
      },
    },
  },
}
