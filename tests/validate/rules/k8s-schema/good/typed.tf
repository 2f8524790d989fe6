# Typed resources of the kubernetes provider become Kubernetes objects that match the schemas.
resource "kubernetes_namespace_v1" "beyla" {
  metadata {
    name   = "beyla"
    labels = { "pod-security.kubernetes.io/enforce" = "privileged" }
  }
}

resource "kubernetes_config_map_v1" "beyla" {
  metadata {
    name      = "beyla-config"
    namespace = "beyla"
  }
  data = {
    "beyla-config.yml" = yamlencode({
      discovery = { services = [{ k8s_namespace = "apps" }] }
    })
  }
}

resource "kubernetes_daemon_set_v1" "beyla" {
  metadata {
    name      = "beyla"
    namespace = "beyla"
  }
  spec {
    selector {
      match_labels = { app = "beyla" }
    }
    strategy {
      type = "RollingUpdate"
      rolling_update {
        max_unavailable = "1"
      }
    }
    template {
      metadata {
        labels = { app = "beyla" }
      }
      spec {
        host_pid             = true
        service_account_name = "beyla"
        container {
          name  = "beyla"
          image = "grafana/beyla:1.8.8"
          args  = ["--config=/config/beyla-config.yml"]
          env {
            name  = "OTEL_EXPORTER_OTLP_ENDPOINT"
            value = "http://gateway-collector.otel.svc:4318"
          }
          env {
            name = "NODE_NAME"
            value_from {
              field_ref {
                field_path = "spec.nodeName"
              }
            }
          }
          port {
            name           = "metrics"
            container_port = 9090
          }
          security_context {
            run_as_user = "0"
            capabilities {
              add = ["BPF", "SYS_PTRACE", "NET_RAW", "CHECKPOINT_RESTORE", "DAC_READ_SEARCH", "PERFMON"]
            }
          }
          volume_mount {
            name       = "config"
            mount_path = "/config"
            read_only  = true
          }
          volume_mount {
            name       = "kernel-security"
            mount_path = "/sys/kernel/security"
          }
          resources {
            limits = { memory = "512Mi" }
          }
        }
        volume {
          name = "config"
          config_map {
            name         = "beyla-config"
            default_mode = "0644"
          }
        }
        volume {
          name = "kernel-security"
          host_path {
            path = "/sys/kernel/security"
            type = "Directory"
          }
        }
        toleration {
          operator = "Exists"
        }
      }
    }
  }
}

resource "kubernetes_deployment_v1" "app" {
  metadata {
    name      = "shop"
    namespace = "apps"
  }
  spec {
    replicas = 2
    selector {
      match_labels = { app = "shop" }
    }
    template {
      metadata {
        labels = { app = "shop" }
      }
      spec {
        container {
          name  = "shop"
          image = "example/shop:1.0.0"
          port {
            container_port = 8080
          }
          readiness_probe {
            http_get {
              path = "/ready"
              port = "8080"
            }
          }
        }
      }
    }
  }
}
