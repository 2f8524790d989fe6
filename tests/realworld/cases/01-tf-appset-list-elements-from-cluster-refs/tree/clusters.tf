variable "cluster_token" {
  type      = string
  sensitive = true
}

resource "argocd_cluster" "staging" {
  server = "https://${var.staging_endpoint}"
  name   = "staging"
  metadata {
    labels = { env = "staging" }
  }
  config {
    bearer_token = var.cluster_token
    tls_client_config {
      insecure = false
    }
  }
}

resource "argocd_cluster" "live" {
  server = "https://${var.live_endpoint}"
  name   = "live"
  metadata {
    labels = { env = "live" }
  }
  config {
    bearer_token = var.cluster_token
    tls_client_config {
      insecure = false
    }
  }
}
