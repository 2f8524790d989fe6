terraform {
  required_providers {
    argocd = {
      source  = "argoproj-labs/argocd"
      version = ">= 7.12.5, < 8.0.0"
    }
  }
}
