variable "applications" { type = list(string) }
variable "environment" { type = string }

resource "kubectl_manifest" "application" {
  for_each = toset(var.applications)
  yaml_body = <<-YAML
    apiVersion: argoproj.io/v1alpha1
    kind: Application
    metadata:
      name: ${each.value}
      namespace: argocd
    spec:
      project: default
      source:
        repoURL: https://github.com/acme-example/platform
        targetRevision: main
        path: services/${each.value}/chart
        helm:
          valueFiles:
            - /environments/${var.environment}/${each.value}.yaml
      destination:
        server: https://kubernetes.default.svc
        namespace: ${each.value}
      syncPolicy:
        syncOptions:
          - CreateNamespace=true
  YAML
}
