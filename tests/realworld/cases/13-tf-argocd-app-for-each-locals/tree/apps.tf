locals {
  kustomize_apps = {
    "ingest-api"    = { path = "ingest/api/overlays/prod", namespace = "ingest" }
    "ingest-worker" = { path = "ingest/worker/overlays/prod", namespace = "ingest" }
  }
}

resource "argocd_application" "kustomize" {
  for_each = local.kustomize_apps
  metadata {
    name      = each.key
    namespace = "argocd"
  }
  spec {
    project = "default"
    source {
      repo_url        = "https://github.com/acme-example/deploy-manifests"
      path            = each.value.path
      target_revision = "v1.4.2"
    }
    destination {
      server    = "https://kubernetes.default.svc"
      namespace = each.value.namespace
    }
    dynamic "ignore_difference" {
      for_each = []
      content {
        kind = ignore_difference.value
      }
    }
  }
}

resource "argocd_application" "util" {
  metadata {
    name      = "ingest-util"
    namespace = "argocd"
  }
  spec {
    project = "default"
    source {
      repo_url        = "https://github.com/acme-example/deploy-manifests"
      path            = "ingest/util/overlays/prod"
      target_revision = "v1.4.2"
    }
    destination {
      server    = "https://kubernetes.default.svc"
      namespace = "ingest"
    }
  }
}
