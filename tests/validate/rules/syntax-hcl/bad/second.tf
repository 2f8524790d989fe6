locals {
  charts = ["beyla", "opentelemetry-operator" # expect: syntax-hcl
}
