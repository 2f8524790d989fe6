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
      target_revision = "1.7.3"

      helm {
        release_name = "beyla"
        values = yamlencode({
          privileged   = false
          volumes      = ["/sys/kernel/security:/sys/kernel/security"]                  # expect: helm-values-k8s-schema
          volumeMounts = [{ name = "security-fs", mountpath = "/sys/kernel/security" }] # expect: helm-values-k8s-schema
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
