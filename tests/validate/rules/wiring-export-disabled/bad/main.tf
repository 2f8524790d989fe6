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
        release_name = "beyla"
        values = yamlencode({ # expect: wiring-export-disabled
          privileged = false
          env = {
            BEYLA_LOG_LEVEL = "info"
          }
        })
      }
    }

    sync_policy {
      sync_options = ["CreateNamespace=true"]
    }
  }
}
