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
      repo_url        = "https://github.com/grafana/beyla.git"
      path            = "charts/beyla"
      target_revision = "v1.8.7" # expect: beyla-git-tag-version

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
