# Operator chart 0.40.0 is older than the data (which starts at 0.56.0): its values are not checked.
resource "argocd_application" "operator" {
  metadata {
    name      = "opentelemetry-operator"
    namespace = "argocd"
  }
  spec {
    destination {
      server    = "https://kubernetes.default.svc"
      namespace = "opentelemetry-operator-system"
    }
    source {
      repo_url        = "https://open-telemetry.github.io/opentelemetry-helm-charts"
      chart           = "opentelemetry-operator"
      target_revision = "0.40.0" # expect: knowledge-not-checked
    }
  }
}
