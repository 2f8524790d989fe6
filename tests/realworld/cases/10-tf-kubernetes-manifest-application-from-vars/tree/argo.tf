variable "enabled" { type = bool }
variable "release_name" { type = string }
variable "chart_repo" { type = string }
variable "chart_name" { type = string }
variable "chart_version" { type = string }
variable "target_namespace" { type = string }
variable "argo_namespace" {
  type    = string
  default = "argocd"
}

resource "kubernetes_manifest" "app" {
  count = var.enabled ? 1 : 0
  manifest = {
    apiVersion = "argoproj.io/v1alpha1"
    kind       = "Application"
    metadata   = { name = var.release_name, namespace = var.argo_namespace }
    spec = {
      project = "default"
      source = {
        repoURL        = var.chart_repo
        chart          = var.chart_name
        targetRevision = var.chart_version
        helm           = { releaseName = var.release_name }
      }
      destination = { server = "https://kubernetes.default.svc", namespace = var.target_namespace }
    }
  }
}
