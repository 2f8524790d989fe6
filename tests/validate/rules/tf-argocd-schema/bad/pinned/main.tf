# skip_schema_validation exists from provider 7.12.5: the pinned 7.0.0 rejects it.
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
        skip_schema_validation = true # expect: tf-argocd-schema
      }
    }
  }
}
