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
                endpoint: 0.0.0.0:4317
              http:
                endpoint: ${var.http_endpoint}
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
  type = string
}

variable "http_endpoint" {
  type = string
}
