# The destination namespace is created by Terraform's kubernetes provider in the same tree.
resource "kubernetes_namespace_v1" "tracing" {
  metadata {
    name = "tracing"
  }
}

resource "argocd_application" "tracing" {
  metadata {
    name      = "tracing-backend"
    namespace = "argocd"
  }
  spec {
    project = "default"
    source {
      repo_url        = "https://grafana-community.github.io/helm-charts"
      chart           = "tempo"
      target_revision = "2.2.4"
    }
    destination {
      server    = "https://kubernetes.default.svc"
      namespace = "tracing"
    }
  }
}
