resource "argocd_application_set" "collector" {
  metadata {
    name      = "collector"
    namespace = "argocd"
  }
  spec {
    go_template = true
    generator {
      clusters {
        selector {
          match_labels = {
            "argocd.argoproj.io/secret-type" = "cluster"
          }
          match_expressions {
            key      = "provider"
            operator = "NotIn"
            values   = ["gcp"]
          }
        }
      }
    }
    template {
      metadata {
        name = "collector-{{.name}}"
      }
      spec {
        project = "default"
        source {
          repo_url        = "https://open-telemetry.github.io/opentelemetry-helm-charts"
          chart           = "opentelemetry-operator"
          target_revision = "0.74.0"
          helm {
            release_name = "opentelemetry-operator"
            values       = "manager:\n  collectorImage:\n    repository: otel/opentelemetry-collector-k8s\nadmissionWebhooks:\n  certManager:\n    enabled: false\n"
          }
        }
        destination {
          name      = "{{.name}}"
          namespace = "otel"
        }
        sync_policy {
          sync_options = ["CreateNamespace=true"]
        }
      }
    }
  }
}
