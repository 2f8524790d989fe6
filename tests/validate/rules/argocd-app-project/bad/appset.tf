# Its pull request generator needs a live Argo CD; the template is still checked.
resource "argocd_application_set" "previews" {
  metadata {
    name      = "previews"
    namespace = "argocd"
  }
  spec {
    go_template = true
    generator {
      pull_request {
        github {
          owner = "example"
          repo  = "shop"
        }
      }
    }
    template {
      metadata {
        name = "shop-{{ .number }}"
      }
      spec { # expect: argocd-app-project
        destination {
          server    = "https://kubernetes.default.svc"
          namespace = "shop-{{ .number }}"
        }
        source {
          repo_url        = "https://github.com/example/shop.git"
          path            = "deploy"
          target_revision = "{{ .head_sha }}"
        }
      }
    }
  }
}
