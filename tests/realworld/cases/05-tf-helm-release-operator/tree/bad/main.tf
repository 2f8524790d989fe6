resource "helm_release" "otel_operator" {
  count      = var.enabled ? 1 : 0
  name       = "opentelemetry-operator"
  namespace  = "otel"
  repository = "https://open-telemetry.github.io/opentelemetry-helm-charts"
  chart      = "opentelemetry-operator"
  version    = "0.74.0"

  values = [
    yamlencode({
      manager = { resources = { limits = { memory = "256Mi" } } }
    })
  ]
}

variable "enabled" {
  type    = bool
  default = true
}
