# Beyla chart 1.4.13 deploys Beyla 1.8.8: a map where Beyla wants a list of selectors, a misspelt key, a printer it does not have.
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
                services = { k8s_namespace = "demo" } # expect: beyla-config
              }
              otel_traces_export = {
                endpiont = "http://otel-collector-collector.otel:4317" # expect: beyla-config
              }
              trace_printer = "pretty" # expect: beyla-config
            }
          }
        })
      }
    }
  }
}
