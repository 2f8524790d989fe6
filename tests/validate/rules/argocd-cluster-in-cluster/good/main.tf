variable "prod_token" {
  type      = string
  sensitive = true
}

resource "argocd_cluster" "prod" {
  server = "https://prod.k8s.example.com"
  name   = "prod"

  metadata {
    labels = { enable_beyla = "true" }
  }

  config {
    bearer_token = var.prod_token
  }
}

# A module that may or may not register the in-cluster address: not known before apply.
variable "server" {
  type = string
}

resource "argocd_cluster" "from_variable" {
  server = var.server
}
