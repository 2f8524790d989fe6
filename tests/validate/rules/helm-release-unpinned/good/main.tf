resource "helm_release" "operator" {
  name       = "opentelemetry-operator"
  namespace  = "otel"
  repository = "https://open-telemetry.github.io/opentelemetry-helm-charts"
  chart      = "opentelemetry-operator"
  version    = "0.74.0"

  set {
    name  = "manager.collectorImage.repository"
    value = "otel/opentelemetry-collector-k8s"
  }
}

variable "beyla_chart_version" {
  type = string
}

# a version only known at apply: not this rule's to judge
resource "helm_release" "beyla" {
  name       = "beyla"
  repository = "https://grafana.github.io/helm-charts"
  chart      = "beyla"
  version    = var.beyla_chart_version
}

# a chart directory has no version to pin
resource "helm_release" "local" {
  name  = "platform-extras"
  chart = "./charts/extras"
}
