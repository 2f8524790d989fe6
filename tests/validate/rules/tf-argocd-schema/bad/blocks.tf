resource "argocd_application" "twice" {
  metadata {
    name      = "twice"
    namespace = "argocd"
  }
  metadata { # expect: tf-argocd-schema
    name = "again"
  }
  spec { # expect: tf-argocd-schema
    destination {
      server    = "https://kubernetes.default.svc"
      namespace = "x"
    }
  }
}
