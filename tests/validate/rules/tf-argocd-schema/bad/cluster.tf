resource "argocd_cluster" "eu" {
  server = "https://eu.example.com"
  name   = "eu"
  config {
    bearer_tokn = "secret" # expect: tf-argocd-schema
  }
  namespaces = "otel" # expect: tf-argocd-schema
}
