resource "argocd_cluster" "local" {
  server = "https://kubernetes.default.svc" # expect: argocd-cluster-in-cluster
  name   = "in-cluster"

  metadata {
    labels = { enable_beyla = "true" }
  }
}
