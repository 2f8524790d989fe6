variable "name" { type = string }
variable "namespace" { type = string }
variable "repo_url" { type = string }
variable "chart" { type = string }
variable "chart_version" { type = string }
variable "values" {
  type    = list(string)
  default = []
}

resource "kubernetes_manifest" "app" {
  manifest = {
    apiVersion = "argoproj.io/v1alpha1"
    kind       = "Application"
    metadata   = { name = var.name, namespace = "argocd" }
    spec = {
      project = "default"
      source = {
        repoURL        = var.repo_url
        chart          = var.chart
        targetRevision = var.chart_version
        helm           = { releaseName = var.name, values = join("\n", var.values) }
      }
      destination = { server = "https://kubernetes.default.svc", namespace = var.namespace }
      syncPolicy  = { syncOptions = ["CreateNamespace=true"] }
    }
  }
}
