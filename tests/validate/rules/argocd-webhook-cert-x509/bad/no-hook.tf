# A plain Secret ignored and respected, but the CRD conversion caBundle is not ignored: a sync applies a new CA only there.
resource "argocd_application" "operator_plain" {
  metadata {
    name      = "otel-operator-plain"
    namespace = "argocd"
  }

  wait = true

  spec {
    project = "default"

    destination {
      server    = "https://kubernetes.default.svc"
      namespace = "opentelemetry-operator-system"
    }

    source {
      repo_url        = "https://open-telemetry.github.io/opentelemetry-helm-charts"
      chart           = "opentelemetry-operator"
      target_revision = "0.90.0"

      helm {
        release_name = "opentelemetry-operator"
        values = yamlencode({
          manager = {
            collectorImage = { repository = "otel/opentelemetry-collector" }
          }
          admissionWebhooks = {
            certManager       = { enabled = false }
            autoGenerateCert  = { enabled = true }
            secretAnnotations = { "helm.sh/hook" = null, "helm.sh/hook-delete-policy" = null }
          }
        })
      }
    }

    sync_policy {
      sync_options = ["CreateNamespace=true", "ServerSideApply=true", "RespectIgnoreDifferences=true"] # expect: argocd-webhook-cert-x509
    }

    ignore_difference {
      kind          = "Secret"
      name          = "opentelemetry-operator-controller-manager-service-cert"
      json_pointers = ["/data"]
    }
    ignore_difference {
      group               = "admissionregistration.k8s.io"
      kind                = "MutatingWebhookConfiguration"
      jq_path_expressions = [".webhooks[]?.clientConfig.caBundle"]
    }
    ignore_difference {
      group               = "admissionregistration.k8s.io"
      kind                = "ValidatingWebhookConfiguration"
      jq_path_expressions = [".webhooks[]?.clientConfig.caBundle"]
    }
  }
}
