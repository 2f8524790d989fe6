resource "argocd_application" "operator" {
  metadata {
    name      = "opentelemetry-operator"
    namespace = "argocd"
  }

  wait = true

  timeouts {
    create = "15m"
    update = "15m"
    delete = "15m"
  }

  spec {
    project = "default"

    destination {
      server    = "https://kubernetes.default.svc"
      namespace = "opentelemetry-operator-system"
    }

    source {
      repo_url        = "https://open-telemetry.github.io/opentelemetry-helm-charts"
      chart           = "opentelemetry-operator"
      target_revision = "0.74.0"
    }

    sync_policy {
      sync_options = ["CreateNamespace=true"]
    }
  }
}

resource "argocd_application" "beyla" {
  metadata {
    name      = "beyla"
    namespace = "argocd"
  }

  wait = true # no CRDs: a taint and replace costs a redeploy, not the cluster's custom resources

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
    }

    sync_policy {
      sync_options = ["CreateNamespace=true"]
    }
  }
}
