module "operator" {
  source          = "../modules/operator"
  chart_version   = "0.74.0"
  collector_image = "otel/opentelemetry-collector-k8s"
}
