terraform {
  required_providers {
    argocd = {
      source  = "argoproj-labs/argocd"
      version = "= 7.0.0"
    }
  }
}
