resource "helm_release" "operator" { # expect: helm-release-unpinned
  name       = "opentelemetry-operator"
  namespace  = "otel"
  repository = "https://open-telemetry.github.io/opentelemetry-helm-charts"
  chart      = "opentelemetry-operator"

  set {
    name  = "manager.collectorImage.repository"
    value = "otel/opentelemetry-collector-k8s"
  }
}

# the v3 provider's attribute syntax, and a repository Helm knows by alias
resource "helm_release" "beyla" { # expect: helm-release-unpinned
  name  = "beyla"
  chart = "grafana/beyla"
  devel = true
  set = [
    { name = "preset", value = "application" },
  ]
}
