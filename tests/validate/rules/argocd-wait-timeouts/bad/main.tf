resource "argocd_application" "operator" {
  metadata {
    name      = "opentelemetry-operator"
    namespace = "argocd"
  }

  wait = true # expect: argocd-wait-timeouts

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

resource "argocd_application" "cert_manager" {
  metadata {
    name      = "cert-manager"
    namespace = "argocd"
  }

  wait = true # expect: argocd-wait-timeouts

  spec {
    project = "default"

    destination {
      server    = "https://kubernetes.default.svc"
      namespace = "cert-manager"
    }

    source {
      repo_url        = "https://charts.jetstack.io"
      chart           = "cert-manager"
      target_revision = "v1.16.2"
    }

    sync_policy {
      sync_options = ["CreateNamespace=true"]
    }
  }
}
