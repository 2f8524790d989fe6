resource "argocd_application" "grafana" {
  metadata {
    name      = "grafana-two"
    namespace = "argocd"
  }
  spec {
    project = "default"
    destination {
      server    = "https://kubernetes.default.svc"
      namespace = "grafana-two"
    }
    source { # expect: argocd-grafana-admin-password
      repo_url        = "https://grafana-community.github.io/helm-charts"
      chart           = "grafana"
      target_revision = "12.11.1"
    }
  }
}
