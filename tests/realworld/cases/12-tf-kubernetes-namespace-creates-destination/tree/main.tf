resource "kubernetes_namespace_v1" "tracing" {
  metadata { name = "tracing" }
}

resource "argocd_application" "operator" {
  metadata {
    name      = "otel-operator"
    namespace = "argocd"
  }
  wait = true
  spec {
    project = "default"
    source {
      repo_url        = "https://open-telemetry.github.io/opentelemetry-helm-charts"
      chart           = "opentelemetry-operator"
      target_revision = "0.74.0"
      helm {
        values = yamlencode({
          manager           = { collectorImage = { repository = "otel/opentelemetry-collector-k8s" } }
          admissionWebhooks = { certManager = { enabled = false } }
        })
      }
    }
    destination {
      server    = "https://kubernetes.default.svc"
      namespace = "tracing"
    }
  }
}
