resource "argocd_application" "collector" {
  metadata {
    name      = "otel-collector"
    namespace = "argocd"
  }

  depends_on = [argocd_application.operator]

  spec {
    project = "default"

    destination {
      server    = "https://kubernetes.default.svc"
      namespace = "otel"
    }

    dynamic "source" {
      for_each = ["manifests"]
      content {
        repo_url        = "https://github.com/example/platform.git"
        path            = source.value
        target_revision = "main"
      }
    }
    source {
      repo_url        = "https://github.com/example/platform.git"
      path            = "manifests"
      target_revision = "main"
    }

    sync_policy {
      sync_options = ["CreateNamespace=true", "SkipDryRunOnMissingResource=true"]
      retry {
        limit = "10"
        backoff {
          duration     = "15s"
          factor       = "2"
          max_duration = "5m"
        }
      }
    }
  }
}
