# The positions of a typed resource's values are kept: the schema finding is on its line.
resource "kubernetes_daemon_set_v1" "beyla" {
  metadata {
    name      = "beyla"
    namespace = "beyla"
  }
  spec {
    selector {
      match_labels = { app = "beyla" }
    }
    template {
      metadata {
        labels = { app = "beyla" }
      }
      spec {
        container {
          name  = "beyla"
          image = "grafana/beyla:1.8.8"
          port {
            container_port = "metrics" # expect: k8s-schema
          }
        }
      }
    }
  }
}
