# No chart version: Helm installs the newest at apply, so the values have no chart version to be checked against.
resource "helm_release" "collector" { # expect: knowledge-not-checked
  name       = "collector"
  repository = "https://open-telemetry.github.io/opentelemetry-helm-charts"
  chart      = "opentelemetry-collector"
  namespace  = "observability"
  values = [yamlencode({
    mode  = "deployment"
    image = { repository = "otel/opentelemetry-collector-k8s" }
  })]
}
