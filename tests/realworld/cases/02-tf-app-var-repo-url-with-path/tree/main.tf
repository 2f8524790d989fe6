variable "repo_url" { type = string }

resource "argocd_application" "collector" {
  metadata {
    name      = "otel-collector"
    namespace = "argocd"
  }
  spec {
    project = "default"
    source {
      repo_url        = var.repo_url
      target_revision = "HEAD"
      path            = "deploy/collector/prod"
      kustomize {
        common_labels = { team = "platform" }
      }
    }
    destination {
      name      = "in-cluster"
      namespace = "observability"
    }
    sync_policy {
      sync_options = ["CreateNamespace=true"]
    }
  }
}
