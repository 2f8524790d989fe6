# An external backend is not checked against the collectors in the tree.
resource "argocd_application" "beyla_saas" {
  metadata {
    name      = "beyla-saas"
    namespace = "argocd"
  }
  spec {
    project = "default"
    destination {
      server    = "https://kubernetes.default.svc"
      namespace = "beyla"
    }
    source {
      repo_url        = "https://grafana.github.io/helm-charts"
      chart           = "beyla"
      target_revision = "1.4.13"
      helm {
        values = yamlencode({ env = { OTEL_EXPORTER_OTLP_ENDPOINT = "https://otlp.example.com" } })
      }
    }
  }
}
