local lib = import '_gateway.libsonnet';

lib.gateway('edge', 'otel') + {
  spec+: {
    config+: {
      service: {
        pipelines: {
          traces: {
            receivers: ['otlp'],
            exporters: ['debug'],
          },
        },
      },
    },
  },
}
