local ns(name) = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: name } };
[ns(n) for n in ['otel-collector', 'otel-operator']]
