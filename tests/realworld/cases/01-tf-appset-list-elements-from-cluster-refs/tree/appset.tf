variable "platform_repo" { type = string }
variable "staging_endpoint" { type = string }
variable "live_endpoint" { type = string }

resource "argocd_application_set" "tracing" {
  metadata {
    name      = "tracing"
    namespace = "argocd"
  }
  spec {
    generator {
      list {
        elements = [
          { cluster = argocd_cluster.staging.name, url = argocd_cluster.staging.server },
          { cluster = argocd_cluster.live.name, url = argocd_cluster.live.server },
        ]
      }
    }
    template {
      metadata {
        name = "tracing-{{cluster}}"
      }
      spec {
        project = "default"
        source {
          repo_url        = var.platform_repo
          target_revision = "HEAD"
          path            = "tracing/{{cluster}}"
        }
        destination {
          server    = "{{url}}"
          namespace = "tracing"
        }
        sync_policy {
          sync_options = ["CreateNamespace=true"]
        }
      }
    }
  }
}
