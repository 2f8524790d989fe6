module "operator" {
  source        = "../modules/argo-app"
  name          = "otel-operator"
  namespace     = "otel"
  repo_url      = "https://open-telemetry.github.io/opentelemetry-helm-charts"
  chart         = "opentelemetry-operator"
  chart_version = "0.74.0"
  values = [
    <<EOF
      admissionWebhooks:
        certManager:
          enabled: false
    EOF
  ]
}
