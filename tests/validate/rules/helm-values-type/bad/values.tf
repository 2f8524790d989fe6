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
        values = <<-EOT
          privileged: "false" # expect: helm-values-type
          env: # expect: helm-values-type
            - name: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
              value: http://otel-collector-collector.otel.svc.cluster.local:4317
          preset: applications # expect: helm-values-type
          service:
            port: http # expect: helm-values-type
        EOT
      }
    }
  }
}
