variable "deploy_mode" { type = string }
variable "java_agent_tag" { type = string }

resource "kubectl_manifest" "collector" {
  yaml_body = <<-EOF
    apiVersion: opentelemetry.io/v1alpha1
    kind: OpenTelemetryCollector
    metadata:
      name: agent
      namespace: ${var.deploy_mode == "fargate" ? "apps-fargate" : "apps"}
    spec:
      mode: ${var.deploy_mode}
      config: |
        ${indent(8, file("${path.module}/agent.yaml"))}
    EOF
}

resource "kubectl_manifest" "java" {
  yaml_body = <<-EOF
    apiVersion: opentelemetry.io/v1alpha1
    kind: Instrumentation
    metadata:
      name: java-agent
      namespace: apps
    spec:
      java:
        image: ghcr.io/open-telemetry/opentelemetry-operator/autoinstrumentation-java:${var.java_agent_tag}
    EOF
}
