resource "argocd_application" "beyla" {
  metadata {
    name      = "beyla"
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
        release_name = "beyla"
        values = yamlencode({
          privileged = false
          env = {
            OTEL_EXPORTER_OTLP_TRACES_ENDPOINT = "http://otel-collector-collector.otel.svc.cluster.local:4317"
            OTEL_EXPORTER_OTLP_TRACES_PROTOCOL = "grpc"
          }
        })
      }
    }

    sync_policy {
      sync_options = ["CreateNamespace=true"]
    }
  }
}
