resource "argocd_application" "traces" {
  metadata {
    name      = "traces"
    namespace = "argocd"
  }
  spec {
    project = "default"
    destination {
      server    = "https://kubernetes.default.svc"
      namespace = "traces"
    }
    source {
      repo_url        = "https://grafana-community.github.io/helm-charts"
      chart           = "tempo"
      target_revision = "2.2.4"
      helm {
        release_name = "traces"
        values = yamlencode({
          tempo = {
            receivers = {
              otlp = {
                protocols = {
                  grpc = { endpoint = "localhost:4317" }
                }
              }
            }
          }
        })
      }
    }
  }
}
