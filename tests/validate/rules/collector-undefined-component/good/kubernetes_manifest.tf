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
              exporters = ["otlp/tempo"]
            }
          }
        }
      }
    }
  }
}

# a configuration only known at apply time is not checked
resource "kubernetes_manifest" "agent" {
  manifest = {
    apiVersion = "opentelemetry.io/v1alpha1"
    kind       = "OpenTelemetryCollector"
    metadata   = { name = "agent", namespace = "otel" }
    spec = {
      mode   = "daemonset"
      config = var.agent_config
    }
  }
}

variable "agent_config" {
  type = string
}
