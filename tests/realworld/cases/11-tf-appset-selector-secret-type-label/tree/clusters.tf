variable "cluster_token" {
  type      = string
  sensitive = true
}

resource "argocd_cluster" "east" {
  server = "https://east.k8s.example.net"
  name   = "east"
  metadata {
    labels = { provider = "hetzner", env = "prod" }
  }
  config {
    bearer_token = var.cluster_token
    tls_client_config {
      insecure = false
    }
  }
}

resource "argocd_cluster" "west" {
  server = "https://west.k8s.example.net"
  name   = "west"
  metadata {
    labels = { provider = "gcp", env = "prod" }
  }
  config {
    bearer_token = var.cluster_token
    tls_client_config {
      insecure = false
    }
  }
}
