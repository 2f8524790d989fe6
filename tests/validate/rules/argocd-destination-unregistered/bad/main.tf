resource "argocd_application" "beyla" {
  metadata {
    name      = "beyla"
    namespace = "argocd"
  }

  spec {
    project = "default"

    destination {
      server    = "https://prod.k8s.example.com" # expect: argocd-destination-unregistered
      namespace = "beyla"
    }

    source {
      repo_url        = "https://grafana.github.io/helm-charts"
      chart           = "beyla"
      target_revision = "1.4.13"
    }
  }
}
