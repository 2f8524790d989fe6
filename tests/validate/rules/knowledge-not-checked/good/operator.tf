resource "argocd_application" "operator" {
  metadata {
    name      = "opentelemetry-operator"
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
      sync_options = ["CreateNamespace=true", "ServerSideApply=true", "RespectIgnoreDifferences=true"]
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
    ignore_difference {
      group               = "apiextensions.k8s.io"
      kind                = "CustomResourceDefinition"
      jq_path_expressions = [".spec.conversion.webhook.clientConfig.caBundle"]
    }
  }
}
