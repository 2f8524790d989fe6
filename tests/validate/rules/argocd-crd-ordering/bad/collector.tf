resource "argocd_application" "collector" {
  metadata {
    name      = "otel-collector"
    namespace = "argocd"
  }

  spec {
    project = "default"

    destination {
      server    = "https://kubernetes.default.svc"
      namespace = "otel"
    }

    source {
      repo_url        = "https://github.com/example/platform.git"
      path            = "manifests"
      target_revision = "main"
    }

    sync_policy { # expect: argocd-crd-ordering
      sync_options = ["CreateNamespace=true"]
    }
  }
}
