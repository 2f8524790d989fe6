# A Beyla release otelstack has no data for is not checked here (knowledge-not-checked says so).
resource "argocd_application" "future" {
  metadata {
    name      = "future"
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
        values = yamlencode({
          image = { tag = "9.9.9" }
          config = {
            data = {
              otel_traces_export = { endpiont = "not checked: no data for Beyla 9.9.9" }
            }
          }
        })
      }
    }
  }
}
