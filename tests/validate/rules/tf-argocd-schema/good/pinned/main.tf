# Every version the constraint admits has skip_schema_validation.
resource "argocd_application" "pinned" {
  metadata {
    name      = "pinned"
    namespace = "argocd"
  }
  spec {
    destination {
      server    = "https://kubernetes.default.svc"
      namespace = "otel"
    }
    source {
      repo_url        = "https://grafana.github.io/helm-charts"
      chart           = "beyla"
      target_revision = "1.4.13"
      helm {
        skip_schema_validation = true
      }
    }
  }
}
