# image.tag deploys a Beyla release otelstack has no data for: its configuration is not checked. Nothing says which
# argocd provider version this module runs with: its schema is not checked either.
resource "argocd_application" "beyla" { # expect: knowledge-not-checked
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
      target_revision = "1.4.13" # expect: knowledge-not-checked
      helm {
        values = yamlencode({
          image = { tag = "9.9.9" }
        })
      }
    }
  }
}
