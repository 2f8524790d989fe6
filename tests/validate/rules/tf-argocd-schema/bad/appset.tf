resource "argocd_application_set" "beyla" {
  metadata {
    name      = "beyla"
    namespace = "argocd"
  }
  spec {
    go_template = true
    generator {
      clusters {
        selector {
          match_label = { enable_beyla = "true" } # expect: tf-argocd-schema
        }
      }
    }
    template {
      metadata {
        name = "{{ .nameNormalized }}-beyla"
      }
      spec {
        destination {
          server    = "{{ .server }}"
          namespace = "beyla"
        }
        source {
          repo_url        = "https://grafana.github.io/helm-charts"
          chart           = "beyla"
          target_revision = "1.4.13"
        }
      }
    }
  }
}
