# The collector image set by a set block (Helm's --set syntax), and by a module call's argument.
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
  set {
    name  = "admissionWebhooks.certManager.enabled"
    value = "false"
  }
}

# only known at apply time: not concluded missing
resource "helm_release" "operator_from_variable" {
  name       = "opentelemetry-operator-2"
  namespace  = "otel-2"
  repository = "https://open-telemetry.github.io/opentelemetry-helm-charts"
  chart      = "opentelemetry-operator"
  version    = "0.74.0"
  values     = [var.operator_values]
}

variable "operator_values" {
  type = string
}
