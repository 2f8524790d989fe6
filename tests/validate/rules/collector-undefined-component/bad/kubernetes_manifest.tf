# A collector applied by Terraform's kubernetes provider: the pipeline names an exporter that is
# not defined.
resource "kubernetes_manifest" "gateway" {
  manifest = {
    apiVersion = "opentelemetry.io/v1beta1"
    kind       = "OpenTelemetryCollector"
    metadata   = { name = "gateway", namespace = "otel" }
    spec = {
      mode = "deployment"
      config = {
        receivers = { otlp = { protocols = { grpc = { endpoint = "0.0.0.0:4317" } } } }
        exporters = { "otlp/tempo" = { endpoint = "tempo.tracing.svc:4317" } }
        service = {
          pipelines = {
            traces = {
              receivers = ["otlp"]
              exporters = ["otlp/tempo", "otlp/jaeger"] # expect: collector-undefined-component
            }
          }
        }
      }
    }
  }
}

# v1alpha1 with its configuration from a file: the finding is in that file
resource "kubernetes_manifest" "agent" {
  manifest = {
    apiVersion = "opentelemetry.io/v1alpha1"
    kind       = "OpenTelemetryCollector"
    metadata   = { name = "agent", namespace = "otel" }
    spec = {
      mode   = "daemonset"
      config = file("${path.module}/agent-config.yaml")
    }
  }
}
