variable "pool" { type = string }
variable "namespace" { type = string }

resource "argocd_application" "collector" {
  metadata {
    name      = "otelcol"
    namespace = "argocd"
  }
  spec {
    project = "default"
    source {
      repo_url        = "https://open-telemetry.github.io/opentelemetry-helm-charts"
      chart           = "opentelemetry-collector"
      target_revision = "0.49.1"
      helm {
        release_name = "otelcol"
        values       = <<EOT
          mode: daemonset
          nodeSelector:
            pool: ${var.pool}
          podAnnotations:
            example.com/link: "https://dash.example.com/d?var=$${__value.raw}"
          ${indent(10, file("${path.module}/extra-values.yaml"))}
        EOT
      }
    }
    destination {
      server    = "https://kubernetes.default.svc"
      namespace = var.namespace
    }
  }
}
