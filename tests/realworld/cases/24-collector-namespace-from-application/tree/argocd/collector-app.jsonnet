local app(name, path, namespace) = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: { name: name, namespace: 'argocd' },
  spec: {
    project: 'default',
    source: { repoURL: 'https://github.com/acme-example/platform', targetRevision: 'main', path: path },
    destination: { server: 'https://kubernetes.default.svc', namespace: namespace },
    syncPolicy: { syncOptions: ['CreateNamespace=true'] },
  },
};
app('collector', 'collector', 'opentelemetry')
