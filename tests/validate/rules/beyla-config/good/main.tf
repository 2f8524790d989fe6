# The same settings, as Beyla 1.8.8 takes them.
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
        values = yamlencode({
          config = {
            data = {
              discovery = {
                services = [{ k8s_namespace = "demo" }]
              }
              otel_traces_export = {
                endpoint = "http://otel-collector-collector.otel:4317"
              }
              trace_printer = "text"
              routes        = { unmatched = "heuristic" }
            }
          }
        })
      }
    }
  }
}
