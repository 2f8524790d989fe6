resource "argocd_cluster" "staging" {
  server = "https://${var.staging_endpoint}"
  name   = "staging"
  metadata {
    labels = { env = "staging" }
  }
}

resource "argocd_cluster" "live" {
  server = "https://${var.live_endpoint}"
  name   = "live"
  metadata {
    labels = { env = "live" }
  }
}
