function(clusterName)
  (import '_base.libsonnet') + {
    metadata: { name: 'edge', labels: { cluster: clusterName } },
    spec+: {
      config+: {
        service: { pipelines: { traces: { receivers: ['otlp'], exporters: ['otlp/tempo'] } } },
      },
    },
  }
