resource "argocd_cluster" "east" {
  server = "https://east.k8s.example.net"
  name   = "east"
  metadata {
    labels = { provider = "hetzner", env = "prod" }
  }
}

resource "argocd_cluster" "west" {
  server = "https://west.k8s.example.net"
  name   = "west"
  metadata {
    labels = { provider = "gcp", env = "prod" }
  }
}
