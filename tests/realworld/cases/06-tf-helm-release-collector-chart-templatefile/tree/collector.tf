resource "helm_release" "collector" {
  name       = "otel-gateway"
  namespace  = "observability"
  repository = "https://open-telemetry.github.io/opentelemetry-helm-charts"
  chart      = "opentelemetry-collector"
  version    = "0.110.0"
  values = [
    templatefile("${path.module}/collector/values.yaml", {
      upstream_endpoint = var.upstream_endpoint
      extra_endpoint    = var.extra_endpoint
    })
  ]
}

variable "upstream_endpoint" { type = string }
variable "extra_endpoint" {
  type    = string
  default = ""
}
