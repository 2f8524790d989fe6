# The provider has `template` inside matrix and merge generators; a matrix takes exactly two.
resource "argocd_application_set" "matrix" {
  metadata {
    name      = "matrix"
    namespace = "argocd"
  }
  spec {
    generator {
      matrix {
        generator {
          clusters {
            selector {
              match_labels = { enable_beyla = "true" }
            }
          }
        }
        generator {
          list {
            elements = [{ chart = "1.4.13" }]
          }
        }
        template {
          metadata {}
          spec {
            destination {}
            source {}
          }
        }
      }
    }
    template {
      metadata {
        name = "{{ .name }}-beyla"
      }
      spec {
        destination {
          server    = "{{ .server }}"
          namespace = "beyla"
        }
        source {
          repo_url        = "https://grafana.github.io/helm-charts"
          chart           = "beyla"
          target_revision = "{{ .chart }}"
        }
      }
    }
  }
}

resource "argocd_cluster" "eu" {
  server = "https://eu.example.com"
  name   = "eu"
  config {
    bearer_token = "secret"
  }
  metadata {
    labels = { enable_beyla = "true" }
  }
}
