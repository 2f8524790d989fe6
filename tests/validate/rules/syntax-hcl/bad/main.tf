resource "argocd_application" "beyla" {
  metadata {
    name      = "beyla # expect: syntax-hcl
    namespace = "argocd"
  }
}
