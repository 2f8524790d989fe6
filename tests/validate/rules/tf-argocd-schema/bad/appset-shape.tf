resource "argocd_application_set" "no_generator" {
  metadata {
    name      = "no-generator"
    namespace = "argocd"
  }
  spec { # expect: tf-argocd-schema
    template {
      metadata { # expect: tf-argocd-schema
        labels = { team = "otel" }
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

resource "argocd_application_set" "matrix" {
  metadata {
    name      = "matrix"
    namespace = "argocd"
  }
  spec {
    generator {
      matrix {
        generator { # expect: tf-argocd-schema
          clusters {}
        }
      }
    }
    generator {
      matrix {
        generator {
          clusters {}
        }
        generator {
          matrix {
            generator {
              list { elements = [{ a = "1" }] }
            }
            generator {
              matrix { # expect: tf-argocd-schema
                generator {
                  clusters {}
                }
                generator {
                  list { elements = [{ b = "2" }] }
                }
              }
            }
          }
        }
      }
    }
    template {
      metadata {
        name = "{{ .name }}-x"
      }
      spec {
        destination {
          server    = "{{ .server }}"
          namespace = "x"
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
