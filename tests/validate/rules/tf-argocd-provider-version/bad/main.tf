# skip_schema_validation exists from provider 7.12.5; "~> 7.0" also admits 7.0.0 to 7.12.4.
resource "argocd_application" "beyla" {
  metadata {
    name      = "beyla"
    namespace = "argocd"
  }
  spec {
    destination {
      server    = "https://kubernetes.default.svc"
      namespace = "beyla"
    }
    source {
      repo_url        = "https://grafana.github.io/helm-charts"
      chart           = "beyla"
      target_revision = "1.4.13"
      helm {
        skip_schema_validation = true # expect: tf-argocd-provider-version
      }
    }
  }
}
