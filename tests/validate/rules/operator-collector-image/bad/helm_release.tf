# The operator installed by Terraform's helm provider: chart 0.74.0 has no default collector
# image, and these values do not set one.
resource "helm_release" "operator" {
  count      = var.enabled ? 1 : 0
  name       = "opentelemetry-operator"
  namespace  = "otel"
  repository = "https://open-telemetry.github.io/opentelemetry-helm-charts"
  chart      = "opentelemetry-operator"
  version    = "0.74.0" # expect: operator-collector-image

  values = [
    yamlencode({
      manager = { resources = { limits = { memory = "256Mi" } } }
    }),
  ]

  set {
    name  = "admissionWebhooks.certManager.enabled"
    value = "false"
  }
}

variable "enabled" {
  type    = bool
  default = true
}
