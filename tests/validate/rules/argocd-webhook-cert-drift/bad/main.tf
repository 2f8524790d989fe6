# No ignores: OutOfSync after every manifest regeneration, each automated sync rolls the certificate.
resource "argocd_application" "operator" {
  metadata {
    name      = "opentelemetry-operator"
    namespace = "argocd"
  }

  wait = true

  spec { # expect: argocd-webhook-cert-drift
    project = "default"

    destination {
      server    = "https://kubernetes.default.svc"
      namespace = "opentelemetry-operator-system"
    }

    source {
      repo_url        = "https://open-telemetry.github.io/opentelemetry-helm-charts"
      chart           = "opentelemetry-operator"
      target_revision = "0.74.0"

      helm {
        release_name = "opentelemetry-operator"
        values = yamlencode({
          manager = {
            collectorImage = { repository = "otel/opentelemetry-collector" }
          }
          admissionWebhooks = {
            certManager      = { enabled = false }
            autoGenerateCert = { enabled = true }
          }
        })
      }
    }

    sync_policy {
      sync_options = ["CreateNamespace=true", "ServerSideApply=true"]
    }
  }
}
