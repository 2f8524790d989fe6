variable "chart_version" {
  type = string
}

variable "collector_image" {
  type    = string
  default = ""
}

resource "helm_release" "operator" {
  name       = "opentelemetry-operator"
  namespace  = "otel"
  repository = "https://open-telemetry.github.io/opentelemetry-helm-charts"
  chart      = "opentelemetry-operator"
  version    = var.chart_version
  values = [<<-EOT
    manager:
      collectorImage:
        repository: "${var.collector_image}"
    admissionWebhooks:
      certManager:
        enabled: false
  EOT
  ]
}
