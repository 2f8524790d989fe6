resource "argocd_application" "kinds" {
  metadata {
    name      = "kinds"
    namespace = "argocd"
  }
  spec {
    destination {
      server    = "https://kubernetes.default.svc"
      namespace = "otel"
    }
    source {
      repo_url        = "https://open-telemetry.github.io/opentelemetry-helm-charts"
      chart           = "opentelemetry-operator"
      target_revision = "0.74.0"
      helm {
        values = { manager = { extraArgs = [] } } # expect: tf-argocd-schema
      }
    }
    sync_policy {
      automated = { prune = true } # expect: tf-argocd-schema
      sync_options = "CreateNamespace=true" # expect: tf-argocd-schema
    }
  }
  wait {  # expect: tf-argocd-schema
  }
}

resource "argocd_application" "no_repo" {
  metadata {
    name      = "no-repo"
    namespace = "argocd"
  }
  spec {
    destination {
      server    = "https://kubernetes.default.svc"
      namespace = "otel"
    }
    source { # expect: tf-argocd-schema
      path            = "manifests"
      target_revision = "main"
    }
  }
}
