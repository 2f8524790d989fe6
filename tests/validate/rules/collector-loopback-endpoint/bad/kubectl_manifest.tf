# A collector applied with the kubectl provider from a heredoc: its receivers listen on loopback.
resource "kubectl_manifest" "gateway" {
  yaml_body = <<-YAML
    apiVersion: opentelemetry.io/v1beta1
    kind: OpenTelemetryCollector
    metadata:
      name: gateway
      namespace: ${var.namespace}
    spec:
      mode: deployment
      config:
        receivers:
          otlp:
            protocols:
              grpc:
                endpoint: localhost:4317 # expect: collector-loopback-endpoint
        exporters:
          debug: {}
        service:
          pipelines:
            traces:
              receivers: [otlp]
              exporters: [debug]
  YAML
}

variable "namespace" {
  type    = string
  default = "otel"
}

# yamlencode() keeps the positions of what it encodes
resource "kubectl_manifest" "agent" {
  yaml_body = yamlencode({
    apiVersion = "opentelemetry.io/v1beta1"
    kind       = "OpenTelemetryCollector"
    metadata   = { name = "agent", namespace = "otel" }
    spec = {
      mode = "daemonset"
      config = {
        receivers = { otlp = { protocols = { http = { endpoint = "127.0.0.1:4318" } } } } # expect: collector-loopback-endpoint
        exporters = { debug = {} }
        service   = { pipelines = { traces = { receivers = ["otlp"], exporters = ["debug"] } } }
      }
    }
  })
}
