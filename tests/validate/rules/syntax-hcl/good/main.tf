locals {
  charts = ["beyla", "opentelemetry-operator"]
  note   = "a # in a string is not a comment"
}
