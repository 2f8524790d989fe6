resource "kubernetes_namespace_v1" "otel" {
  metadata { name = "otel" }
}

resource "kubectl_manifest" "collector" {
  server_side_apply = true
  yaml_body = yamlencode({
    apiVersion = "opentelemetry.io/v1alpha1"
    kind       = "OpenTelemetryCollector"
    metadata   = { name = "gateway", namespace = kubernetes_namespace_v1.otel.metadata[0].name }
    spec = {
      mode   = "deployment"
      config = file("${path.module}/pipeline.yaml")
    }
  })
}
