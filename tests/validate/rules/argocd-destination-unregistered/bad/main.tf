resource "argocd_application" "beyla" {
  metadata {
    name      = "beyla"
    namespace = "argocd"
  }

  spec {
    project = "default"

    destination {
      server    = "https://prod.k8s.example.com" # expect: argocd-destination-unregistered
      namespace = "beyla"
    }

    source {
      repo_url        = "https://grafana.github.io/helm-charts"
      chart           = "beyla"
      target_revision = "1.4.13"
    }
  }
}

# The tree registers its clusters: one it does not register is a mistake or a missing registration
resource "argocd_cluster" "staging" {
  server = "https://staging.k8s.example.com"
  name   = "staging"
  config {
    bearer_token = var.staging_token
  }
}

variable "staging_token" {
  type      = string
  sensitive = true
}
