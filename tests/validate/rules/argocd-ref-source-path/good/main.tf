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

    source {
      repo_url        = "https://github.com/example/platform.git"
      target_revision = "main"
      ref             = "values"

      directory {
        exclude = "*"
      }
    }
  }
}

# A module's generic source list: whether path is null is not known before apply (not checked).
variable "sources" {
  type = any
}

resource "argocd_application" "generic" {
  metadata {
    name      = "generic"
    namespace = "argocd"
  }

  spec {
    destination {
      server    = "https://kubernetes.default.svc"
      namespace = "generic"
    }

    dynamic "source" {
      for_each = var.sources
      content {
        repo_url        = source.value.repo_url
        path            = source.value.path
        target_revision = source.value.target_revision
        ref             = source.value.ref
      }
    }
  }
}
