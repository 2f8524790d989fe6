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
        value_files = ["$values/values/beyla.yaml"]
      }
    }

    source { # expect: argocd-ref-source-path
      repo_url        = "https://github.com/example/platform.git"
      target_revision = "main"
      ref             = "values"
    }
  }
}
