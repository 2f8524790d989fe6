resource "argocd_application" "tempo" {
  metadata {
    name      = "tempo"
    namespace = "argocd"
  }
  spec {
    project = "default"
    destination {
      server    = "https://kubernetes.default.svc"
      namespace = "tempo"
    }
    source {
      repo_url        = "https://grafana-community.github.io/helm-charts"
      chart           = "tempo"
      target_revision = "2.2.4"
      helm {
        values = yamlencode({
          tempo = {
            storage = {
              trace = {
                backend = "s3"
                s3 = {
                  bucket     = "traces"
                  endpoint   = "s3.eu-west-1.amazonaws.com"
                  access_key = "AKIAEXAMPLE"
                  secret_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" # expect: security-backend-credentials
                }
              }
            }
          }
        })
      }
    }
  }
}
